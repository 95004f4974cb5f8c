package dev.tend.bench;

import static java.util.Objects.requireNonNull;

import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionQuery;
import dev.tend.serving.log.PredictionRecord;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A prediction log that keeps nothing: every append completes at once, every query finds nothing. A
 * benchmark baseline only, so that the serving benchmark can measure what durable logging costs the
 * predict path; a server using it would answer predictions it never recorded. Thread-safe.
 */
final class DiscardingPredictionLog implements PredictionLog {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  @Override
  public CompletableFuture<Void> append(PredictionRecord record) {
    requireNonNull(record, "record is null");
    return DONE;
  }

  @Override
  public CompletableFuture<Void> appendAll(List<PredictionRecord> records) {
    requireNonNull(records, "records is null");
    if (records.isEmpty()) {
      throw new IllegalArgumentException("no records to append");
    }
    return DONE;
  }

  @Override
  public List<PredictionRecord> query(PredictionQuery query) {
    requireNonNull(query, "query is null");
    return List.of();
  }

  @Override
  public Map<String, PredictionRecord> lookup(Set<String> predictionIds) {
    requireNonNull(predictionIds, "predictionIds is null");
    return Map.of();
  }

  @Override
  public void roll() {}

  @Override
  public CompactionReport compact() {
    return new CompactionReport(0, 0, 0);
  }

  @Override
  public int applyRetention(LocalDate today) {
    return 0;
  }

  @Override
  public RecoveryReport recovery() {
    return new RecoveryReport(0, 0, "");
  }

  @Override
  public long queuedBytes() {
    return 0;
  }

  @Override
  public void close() {}
}
