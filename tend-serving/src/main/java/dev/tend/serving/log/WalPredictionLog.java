package dev.tend.serving.log;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Layout of the directory:
 *   LOCK                 held (OS file lock) by the process that has the log open
 *   wal/<id>.wal         write-ahead segments; the highest is being written, the others sealed
 *   parquet/...          compacted partitions (see ParquetStore)
 *
 * walIds counts the ids of the durable records in the WAL: added when an append is durable (and
 * at open, from the segments recovered), removed with their segment after compaction. A lookup
 * whose ids are none of them reads Parquet only, as feedback mostly comes after compaction.
 *
 * Queries hold the read side of `visibility`; deleting a compacted segment or an expired partition
 * holds the write side, so a query never sees a record both in Parquet and in the WAL, nor a file
 * vanish under it. Compaction and retention run one at a time under `maintenance`.
 */
final class WalPredictionLog implements PredictionLog {
  private static final Logger LOG = LoggerFactory.getLogger(WalPredictionLog.class);
  private static final Comparator<PredictionRecord> ORDER =
      Comparator.comparing(PredictionRecord::timestamp)
          .thenComparing(PredictionRecord::predictionId);

  private final Path wal;
  private final PredictionLogOptions options;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final RecoveryReport recovery;
  private final ParquetStore parquet;
  private final WalWriter writer;
  private final ReentrantReadWriteLock visibility = new ReentrantReadWriteLock();
  private final ReentrantLock maintenance = new ReentrantLock();
  private final ScheduledExecutorService scheduler;
  /* How many durable records in the WAL have each id: lookups of compacted ids skip the WAL. */
  private final ConcurrentHashMap<String, Integer> walIds = new ConcurrentHashMap<>();

  private WalPredictionLog(
      Path directory,
      PredictionLogOptions options,
      WalWriter.Durability durability,
      FileChannel lockFile,
      FileLock lock)
      throws IOException {
    this.wal = directory.resolve("wal");
    this.options = options;
    this.lockFile = lockFile;
    this.lock = lock;
    this.parquet = new ParquetStore(directory.resolve("parquet"));
    Files.createDirectories(wal);
    Files.createDirectories(directory.resolve("parquet"));
    this.recovery = recover(wal);
    parquet.removeTemporaryFiles();
    List<Long> segments = Segments.list(wal);
    for (long segment : segments) {
      try {
        Segments.scan(
            Segments.file(wal, segment), segment, Long.MAX_VALUE, r -> indexAdd(r.predictionId()));
      } catch (PredictionLogCorruptedException e) {
        LOG.warn("cannot index {}; queries will name the damage", Segments.file(wal, segment), e);
      }
    }
    long next = segments.isEmpty() ? 1 : segments.getLast() + 1;
    this.writer = WalWriter.start(wal, next, options, durability);
    this.scheduler =
        options
            .maintenanceInterval()
            .map(
                interval -> {
                  ScheduledExecutorService s =
                      Executors.newSingleThreadScheduledExecutor(
                          r -> {
                            Thread t = new Thread(r, "tend-prediction-log-maintenance");
                            t.setDaemon(true);
                            return t;
                          });
                  s.scheduleWithFixedDelay(
                      this::maintain,
                      interval.toMillis(),
                      interval.toMillis(),
                      TimeUnit.MILLISECONDS);
                  return s;
                })
            .orElse(null);
  }

  static WalPredictionLog open(
      Path directory, PredictionLogOptions options, WalWriter.Durability durability) {
    requireNonNull(directory, "directory is null");
    requireNonNull(options, "options is null");
    FileChannel lockFile = null;
    try {
      Files.createDirectories(directory);
      lockFile =
          FileChannel.open(
              directory.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = lockFile.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new PredictionLogException(
            "the prediction log in " + directory + " is open in another process or log");
      }
      return new WalPredictionLog(directory, options, durability, lockFile, lock);
    } catch (IOException e) {
      closeQuietly(lockFile);
      throw new PredictionLogException(
          "cannot open the prediction log in " + directory + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(lockFile);
      throw e;
    }
  }

  /*
   * Only the highest segment can end in a torn write: a segment is sealed after its last batch
   * was fsynced. Its torn tail is cut off (the records in it were never acknowledged); a segment
   * whose header a crash interrupted holds no records and is removed.
   */
  private static RecoveryReport recover(Path wal) throws IOException {
    List<Long> segments = Segments.list(wal);
    if (segments.isEmpty()) {
      return new RecoveryReport(0, 0, "");
    }
    long last = segments.getLast();
    Path file = Segments.file(wal, last);
    long size = Files.size(file);
    Segments.Scan scan = Segments.scan(file, last, Long.MAX_VALUE, null);
    if (scan.headerTorn()) {
      LOG.warn("removing {}: {} ({} bytes), left by a crash", file, scan.badFrame(), size);
      Files.delete(file);
      Segments.forceDirectory(wal);
      return new RecoveryReport(segments.size() - 1, size, scan.badFrame());
    }
    if (scan.badFrame() == null) {
      return new RecoveryReport(segments.size(), 0, "");
    }
    LOG.warn(
        "cutting {} bytes off {} at byte {}: {}, a write a crash interrupted",
        size - scan.validLength(),
        file,
        scan.validLength(),
        scan.badFrame());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(scan.validLength());
      channel.force(true);
    }
    return new RecoveryReport(segments.size(), size - scan.validLength(), scan.badFrame());
  }

  @Override
  public CompletableFuture<Void> append(PredictionRecord record) {
    requireNonNull(record, "record is null");
    String id = record.predictionId();
    /* Indexed before the caller hears the record is durable, so its lookups see it. */
    return writer.append(record).thenRun(() -> indexAdd(id));
  }

  @Override
  public CompletableFuture<Void> appendAll(List<PredictionRecord> records) {
    requireNonNull(records, "records is null");
    List<PredictionRecord> copy = List.copyOf(records);
    /* As append: indexed before the caller hears the records are durable. */
    return writer.appendAll(copy).thenRun(() -> copy.forEach(r -> indexAdd(r.predictionId())));
  }

  @Override
  public List<PredictionRecord> query(PredictionQuery query) {
    requireNonNull(query, "query is null");
    return query(query, true);
  }

  private List<PredictionRecord> query(PredictionQuery query, boolean scanWal) {
    visibility.readLock().lock();
    try {
      WalWriter.Committed committed = writer.committed();
      List<Long> segments = Segments.list(wal);
      List<PredictionRecord> found = new ArrayList<>(parquet.query(query, new HashSet<>(segments)));
      for (long segment : scanWal ? segments : List.<Long>of()) {
        if (segment > committed.segmentId()) {
          continue; // opened after this query began
        }
        long limit = segment == committed.segmentId() ? committed.length() : Long.MAX_VALUE;
        Segments.Scan scan =
            Segments.scan(
                Segments.file(wal, segment),
                segment,
                limit,
                record -> {
                  if (query.matches(record)) {
                    found.add(record);
                  }
                });
        checkSealed(segment, committed, scan);
      }
      found.sort(ORDER);
      return found.size() <= query.limit() ? found : List.copyOf(found.subList(0, query.limit()));
    } catch (IOException | SQLException e) {
      throw new PredictionLogException("cannot read the prediction log: " + e.getMessage(), e);
    } finally {
      visibility.readLock().unlock();
    }
  }

  @Override
  public Map<String, PredictionRecord> lookup(Set<String> predictionIds) {
    requireNonNull(predictionIds, "predictionIds is null");
    Map<String, PredictionRecord> found = new HashMap<>();
    List<String> ids = List.copyOf(predictionIds);
    for (int from = 0; from < ids.size(); from += PredictionQuery.MAX_IDS) {
      Set<String> chunk =
          Set.copyOf(ids.subList(from, Math.min(ids.size(), from + PredictionQuery.MAX_IDS)));
      /* Ordered by time, so the newest record of a reused id comes last and stays. */
      boolean inWal = chunk.stream().anyMatch(walIds::containsKey);
      for (PredictionRecord record : query(PredictionQuery.byIds(chunk), inWal)) {
        found.put(record.predictionId(), record);
      }
    }
    return found;
  }

  @Override
  public void roll() {
    await(writer.roll());
  }

  @Override
  public CompactionReport compact() {
    maintenance.lock();
    try {
      WalWriter.Committed committed = writer.committed();
      int segments = 0;
      long records = 0;
      int files = 0;
      for (long segment : Segments.list(wal)) {
        if (segment >= committed.segmentId()) {
          break;
        }
        Path file = Segments.file(wal, segment);
        List<PredictionRecord> contents = new ArrayList<>();
        checkSealed(
            segment, committed, Segments.scan(file, segment, Long.MAX_VALUE, contents::add));
        files += parquet.write(segment, contents);
        visibility.writeLock().lock();
        try {
          Files.delete(file);
          Segments.forceDirectory(wal);
          contents.forEach(r -> indexRemove(r.predictionId()));
        } finally {
          visibility.writeLock().unlock();
        }
        segments++;
        records += contents.size();
      }
      return new CompactionReport(segments, records, files);
    } catch (IOException | SQLException e) {
      throw new PredictionLogException(
          "cannot compact the prediction log in " + wal.getParent() + ": " + e.getMessage(), e);
    } finally {
      maintenance.unlock();
    }
  }

  @Override
  public int applyRetention(LocalDate today) {
    requireNonNull(today, "today is null");
    maintenance.lock();
    visibility.writeLock().lock();
    try {
      return parquet.deleteBefore(today.minusDays(options.retentionDays()));
    } catch (IOException e) {
      throw new PredictionLogException(
          "cannot apply the retention to " + wal.getParent() + ": " + e.getMessage(), e);
    } finally {
      visibility.writeLock().unlock();
      maintenance.unlock();
    }
  }

  @Override
  public RecoveryReport recovery() {
    return recovery;
  }

  @Override
  public long queuedBytes() {
    return writer.queuedBytes();
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    try {
      writer.close();
      maintenance.lock();
      try {
        parquet.close();
      } finally {
        maintenance.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PredictionLogException("interrupted while closing the prediction log", e);
    } catch (SQLException e) {
      throw new PredictionLogException("cannot close the prediction log: " + e.getMessage(), e);
    } finally {
      try {
        lock.release();
      } catch (IOException e) {
        LOG.warn("cannot release the lock of {}", wal.getParent(), e);
      }
      closeQuietly(lockFile);
    }
  }

  private void maintain() {
    try {
      CompactionReport compacted = compact();
      if (compacted.segments() > 0) {
        LOG.info("compacted {}", compacted);
      }
      int expired = applyRetention(LocalDate.now(ZoneOffset.UTC));
      if (expired > 0) {
        LOG.info(
            "deleted {} partitions past the {}-day retention", expired, options.retentionDays());
      }
    } catch (RuntimeException e) {
      LOG.warn("prediction log maintenance failed; it runs again later", e);
    }
  }

  /* A sealed segment must scan clean to its end: only the one being written has a moving end. */
  private void checkSealed(long segment, WalWriter.Committed committed, Segments.Scan scan) {
    if (segment != committed.segmentId() && (scan.badFrame() != null || scan.headerTorn())) {
      throw new PredictionLogCorruptedException(
          "the sealed segment "
              + Segments.file(wal, segment)
              + " is damaged at byte "
              + scan.validLength()
              + ": "
              + scan.badFrame()
              + "; move it out of "
              + wal
              + " to open the log without it");
    }
  }

  private void indexAdd(String id) {
    walIds.merge(id, 1, Integer::sum);
  }

  private void indexRemove(String id) {
    walIds.computeIfPresent(id, (key, count) -> count == 1 ? null : count - 1);
  }

  private static void await(CompletableFuture<Void> future) {
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PredictionLogException("interrupted while waiting for the prediction log", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof PredictionLogException p
          ? p
          : new PredictionLogException(e.getCause().getMessage(), e.getCause());
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.debug("cannot close {}", channel, e);
      }
    }
  }
}
