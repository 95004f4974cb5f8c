package dev.tend.serving.log;

import static dev.tend.serving.log.Records.T0;
import static dev.tend.serving.log.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionLogTest {
  static final PredictionLogOptions OPTIONS = PredictionLogOptions.defaults().withoutMaintenance();

  @TempDir Path dir;

  @Test
  void whatIsAppendedIsReadBackBeforeAndAfterReopening() {
    List<PredictionRecord> written = new ArrayList<>();
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      for (int i = 0; i < 100; i++) {
        PredictionRecord r = record("p" + i, i % 2 == 0 ? "a" : "b", T0.plusSeconds(i));
        log.append(r).join();
        written.add(r);
      }
      assertThat(log.query(PredictionQuery.all(1000))).containsExactlyElementsOf(written);
    }
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      assertThat(log.recovery().truncatedBytes()).isZero();
      assertThat(log.query(PredictionQuery.all(1000))).containsExactlyElementsOf(written);
      PredictionRecord more = record("p100", "a", T0.plusSeconds(100));
      log.append(more).join();
      assertThat(log.query(PredictionQuery.all(1000))).hasSize(101).contains(more);
    }
  }

  @Test
  void queriesSelectByDeploymentTimeRangeAndIds() {
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      for (int i = 0; i < 20; i++) {
        log.append(record("p" + i, i < 10 ? "a" : "b", T0.plusSeconds(i))).join();
      }
      assertThat(ids(log.query(PredictionQuery.of("a", T0.plusSeconds(3), T0.plusSeconds(6), 100))))
          .containsExactly("p3", "p4", "p5");
      assertThat(ids(log.query(PredictionQuery.of("b", T0, T0.plusSeconds(100), 3))))
          .containsExactly("p10", "p11", "p12");
      assertThat(ids(log.query(PredictionQuery.byIds(Set.of("p1", "p15", "nope")))))
          .containsExactly("p1", "p15");
      assertThat(
              ids(
                  log.query(
                      PredictionQuery.of("a", T0, T0.plusSeconds(100), 100)
                          .withPredictionIds(Set.of("p1", "p15")))))
          .containsExactly("p1");
    }
  }

  @Test
  void lookupFindsIdsInParquetAndInTheWriteAheadLogTheNewestOfAReusedId() {
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      for (int i = 0; i < 10; i++) {
        log.append(record("p" + i, "a", T0.plusSeconds(i))).join();
      }
      log.roll();
      assertThat(log.compact().records()).isEqualTo(10);
      PredictionRecord reused = record("p3", "b", T0.plusSeconds(60));
      log.append(reused).join();
      log.append(record("w1", "b", T0.plusSeconds(61))).join();
      Set<String> asked = new HashSet<>(Set.of("p0", "p3", "p9", "w1", "nope"));
      for (int i = 0; i < PredictionQuery.MAX_IDS + 5; i++) {
        asked.add("absent-" + i);
      }

      var found = log.lookup(asked);

      assertThat(found).containsOnlyKeys("p0", "p3", "p9", "w1");
      assertThat(found.get("p3")).isEqualTo(reused);
      assertThat(found.get("p0").deployment()).isEqualTo("a");
      assertThat(log.lookup(Set.of())).isEmpty();
    }
  }

  @Test
  void lookupFindsEveryRowOfARequestAppendedTogether() {
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      log.appendAll(
              java.util.List.of(
                  record("r1", "a", T0), record("r2", "a", T0), record("r3", "a", T0)))
          .join();
      assertThat(log.lookup(Set.of("r1", "r2", "r3", "r4"))).containsOnlyKeys("r1", "r2", "r3");
      log.roll();
      log.compact();
      assertThat(log.lookup(Set.of("r1", "r2", "r3"))).containsOnlyKeys("r1", "r2", "r3");
    }
  }

  @Test
  void withASyncIntervalAcknowledgementsDoNotWaitForTheDiskButAForceFollows() throws Exception {
    java.util.concurrent.atomic.AtomicInteger forces =
        new java.util.concurrent.atomic.AtomicInteger();
    // Long enough that 20 appends on a loaded machine finish well inside it.
    PredictionLogOptions options = OPTIONS.withSyncInterval(Duration.ofSeconds(3));
    PredictionLog log =
        WalPredictionLog.open(
            dir,
            options,
            channel -> {
              forces.incrementAndGet();
              channel.force(false);
            });
    try {
      for (int i = 0; i < 20; i++) {
        log.append(record("s" + i, "a", T0.plusSeconds(i))).join();
      }
      assertThat(forces.get()).as("forces before the interval passed").isZero();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (forces.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(forces.get()).as("a force within the interval").isEqualTo(1);
      log.append(record("last", "a", T0.plusSeconds(30))).join();
    } finally {
      int before = forces.get();
      log.close();
      assertThat(forces.get()).as("closing forces what is unsynced").isEqualTo(before + 1);
    }
    try (PredictionLog reopened = PredictionLog.open(dir, OPTIONS)) {
      assertThat(reopened.query(PredictionQuery.all(100))).hasSize(21);
    }
  }

  @Test
  void withoutASyncIntervalEveryBatchIsForcedBeforeItsAcknowledgement() {
    java.util.concurrent.atomic.AtomicInteger forces =
        new java.util.concurrent.atomic.AtomicInteger();
    try (PredictionLog log =
        WalPredictionLog.open(
            dir,
            OPTIONS,
            channel -> {
              forces.incrementAndGet();
              channel.force(false);
            })) {
      for (int i = 0; i < 5; i++) {
        log.append(record("f" + i, "a", T0.plusSeconds(i))).join();
        assertThat(forces.get()).isEqualTo(i + 1);
      }
    }
  }

  @Test
  void aSyncIntervalOutOfRangeIsRefused() {
    assertThatThrownBy(() -> OPTIONS.withSyncInterval(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OPTIONS.withSyncInterval(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lookupFindsIdsLeftInTheWriteAheadLogAfterReopening() {
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      log.append(record("sealed", "a", T0)).join();
      log.roll();
      log.append(record("live", "a", T0.plusSeconds(1))).join();
      assertThat(log.lookup(Set.of("sealed", "live"))).containsOnlyKeys("sealed", "live");
    }
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      assertThat(log.lookup(Set.of("sealed"))).containsOnlyKeys("sealed");
      assertThat(log.lookup(Set.of("live"))).containsOnlyKeys("live");
      log.roll();
      log.compact();
      assertThat(log.lookup(Set.of("sealed", "live"))).containsOnlyKeys("sealed", "live");
    }
  }

  @Test
  void eightThreadsAppendingFiveThousandEachAreAllReadableWithUniqueIds() throws Exception {
    int threads = 8;
    int each = 5_000;
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS.withSegmentBytes(1 << 20));
        ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<List<String>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  List<String> ids = new ArrayList<>();
                  List<CompletableFuture<Void>> acks = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    String id = PredictionIds.next();
                    acks.add(log.append(record(id, "d", T0.plusMillis(i))));
                    ids.add(id);
                    if (acks.size() == 16) { // a serving thread awaits its answer; a few in flight
                      acks.forEach(CompletableFuture::join);
                      acks.clear();
                    }
                  }
                  acks.forEach(CompletableFuture::join);
                  return ids;
                }));
      }
      Set<String> expected = new HashSet<>();
      for (Future<List<String>> result : results) {
        expected.addAll(result.get());
      }
      assertThat(expected).hasSize(threads * each);
      List<PredictionRecord> read = log.query(PredictionQuery.all(1_000_000));
      assertThat(read).hasSize(threads * each);
      Set<String> readIds = new HashSet<>(ids(read));
      assertThat(readIds).hasSize(threads * each); // no duplicates
      assertThat(readIds.equals(expected)).as("the ids read are the ids appended").isTrue();
      assertThat(segments(dir)).as("1 MiB segments roll").isGreaterThan(2);
    }
  }

  @Test
  void aClosedLogRefusesAppendsClearly() {
    PredictionLog log = PredictionLog.open(dir, OPTIONS);
    log.close();
    assertThatThrownBy(() -> log.append(record("x")))
        .isInstanceOf(PredictionLogException.class)
        .hasMessage("the prediction log is closed");
  }

  @Test
  void aSecondLogOnTheSameDirectoryIsRefused() {
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      assertThat(log.queuedBytes()).isZero();
      assertThatThrownBy(() -> PredictionLog.open(dir, OPTIONS))
          .isInstanceOf(PredictionLogException.class)
          .hasMessageContaining("is open in another process or log");
    }
  }

  @Test
  void aQuietSegmentIsSealedAfterTheRollInterval() throws Exception {
    PredictionLogOptions options =
        new PredictionLogOptions(
            1 << 20,
            Duration.ofSeconds(1),
            100,
            1 << 20,
            1 << 20,
            Duration.ofMillis(200),
            30,
            java.util.Optional.empty(),
            Duration.ZERO);
    try (PredictionLog log = PredictionLog.open(dir, options)) {
      log.append(record("q")).join();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      long compacted = 0;
      while (compacted == 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        compacted = log.compact().records(); // only sealed segments are compacted
      }
      assertThat(compacted).isEqualTo(1);
      assertThat(segments(dir)).isEqualTo(1);
      assertThat(ids(log.query(PredictionQuery.all(10)))).containsExactly("q");
    }
  }

  static List<String> ids(List<PredictionRecord> records) {
    return records.stream().map(PredictionRecord::predictionId).toList();
  }

  static long segments(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir.resolve("wal"))) {
      return files.count();
    }
  }
}
