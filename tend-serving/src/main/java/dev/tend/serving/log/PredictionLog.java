package dev.tend.serving.log;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The durable log of answered predictions, kept in one directory that one process owns.
 *
 * <p>The serving path appends a prediction and waits for the returned future before it answers: the
 * future completes after the record's batch is fsynced, so every answered prediction survives a
 * kill -9 or power loss. Records appended while an fsync runs share the next one (group commit).
 * When the disk falls behind, appends block up to the append timeout and then fail with {@link
 * PredictionLogFullException}, so memory stays bounded.
 *
 * <p>Sealed segments of the write-ahead log are compacted into Parquet files partitioned by
 * deployment and date, which {@link #query} reads through DuckDB together with the records still in
 * the write-ahead log. Thread-safe.
 */
public interface PredictionLog extends AutoCloseable {

  /**
   * Opens or creates the log in {@code directory}, recovering what a crash left: a torn record at
   * the end of the last segment is cut off, complete records are all kept.
   *
   * @throws PredictionLogException when another process holds the directory or it cannot be read
   * @throws PredictionLogCorruptedException when the last segment's header is damaged
   */
  static PredictionLog open(Path directory, PredictionLogOptions options) {
    return WalPredictionLog.open(directory, options, channel -> channel.force(false));
  }

  /**
   * Queues a prediction for the log. Returns once the record is queued; the future completes when
   * it is durable, or exceptionally with a {@link PredictionLogException} when it could not be
   * written. Do not answer the request before the future completes.
   *
   * @throws PredictionLogFullException when the queue stays full for the append timeout
   * @throws PredictionLogException when the log is closed or failed on an earlier write
   */
  CompletableFuture<Void> append(PredictionRecord record);

  /**
   * Queues the predictions of one request together: either all of them are queued or, when the
   * queue stays full for the append timeout, none is. The future completes when all are durable.
   *
   * @throws PredictionLogFullException when the queue has no room for all of them in time
   * @throws PredictionLogException when the log is closed or failed on an earlier write
   * @throws IllegalArgumentException when {@code records} is empty or larger than the whole queue
   */
  CompletableFuture<Void> appendAll(List<PredictionRecord> records);

  /** The predictions matching {@code query}, durable ones only, ordered by time then id. */
  List<PredictionRecord> query(PredictionQuery query);

  /**
   * Which of {@code predictionIds} the log holds, durable ones only: for each id found, its newest
   * record (a client may reuse an id). Looks the ids up {@link PredictionQuery#MAX_IDS} at a time:
   * Parquet partitions through DuckDB's {@code prediction_id IN (...)}, and a scan of the
   * write-ahead segments not compacted yet.
   */
  Map<String, PredictionRecord> lookup(Set<String> predictionIds);

  /** Seals the segment being written, once what was appended before is durable. */
  void roll();

  /** Converts every sealed segment to Parquet and deletes it. Returns what was converted. */
  CompactionReport compact();

  /**
   * Deletes the Parquet partitions dated more than the retention's days before {@code today}.
   *
   * @return how many partitions were deleted
   */
  int applyRetention(LocalDate today);

  /** What opening the log recovered. */
  RecoveryReport recovery();

  /** Encoded bytes queued or being written: never more than the options' maxQueuedBytes. */
  long queuedBytes();

  /** Writes everything queued, then releases the directory. */
  @Override
  void close();

  /**
   * What {@link #open} found.
   *
   * @param segments write-ahead segments present
   * @param truncatedBytes bytes of a torn last record cut off the last segment
   * @param reason why those bytes were cut, or empty text when none were
   */
  record RecoveryReport(int segments, long truncatedBytes, String reason) {}

  /**
   * What {@link #compact} did.
   *
   * @param segments segments converted and deleted
   * @param records records written to Parquet
   * @param files Parquet part files written
   */
  record CompactionReport(int segments, long records, int files) {}
}
