package dev.tend.serving.log;

import static dev.tend.serving.log.Records.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A disk slower than the predictions: appends wait for room, then fail clearly. */
class BackPressureTest {
  @TempDir Path dir;

  @Test
  void aFullQueueBlocksThenFailsWithinTheTimeoutAndMemoryStaysBounded() throws Exception {
    long maxQueued = 16 * 1024;
    PredictionLogOptions options =
        PredictionLogOptions.defaults()
            .withoutMaintenance()
            .withMaxQueuedBytes(maxQueued)
            .withAppendTimeout(Duration.ofMillis(300));
    CountDownLatch diskStalled = new CountDownLatch(1);
    CountDownLatch diskFreed = new CountDownLatch(1);
    // the disk stalls on its first fsync until the test frees it, as a saturated disk would
    WalWriter.Durability slowDisk =
        channel -> {
          diskStalled.countDown();
          try {
            diskFreed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          channel.force(false);
        };
    try (PredictionLog log = WalPredictionLog.open(dir, options, slowDisk)) {
      try {
        fillAndOverflow(log, maxQueued, diskStalled, diskFreed);
      } finally {
        diskFreed.countDown(); // else close() would wait for the stalled fsync forever
      }
    }
  }

  private static void fillAndOverflow(
      PredictionLog log, long maxQueued, CountDownLatch diskStalled, CountDownLatch diskFreed)
      throws Exception {
    {
      List<CompletableFuture<Void>> accepted = new ArrayList<>();
      accepted.add(log.append(record("p0")));
      assertThat(diskStalled.await(10, TimeUnit.SECONDS)).isTrue();
      long queued = RecordCodec.encode(record("p0")).remaining();
      int fit = 1;
      int frame = RecordCodec.encode(record("p" + fit)).remaining();
      while (queued + frame <= maxQueued) {
        accepted.add(log.append(record("p" + fit)));
        queued += frame;
        fit++;
        frame = RecordCodec.encode(record("p" + fit)).remaining();
      }
      assertThat(log.queuedBytes()).isEqualTo(queued);

      long started = System.nanoTime();
      assertThatThrownBy(() -> log.append(record("one-too-many")))
          .isInstanceOf(PredictionLogFullException.class)
          .hasMessageContaining("queue stayed full (16384 bytes waiting for the disk) for 300 ms")
          .hasMessageContaining("prediction one-too-many was not logged");
      long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(waitedMillis).isBetween(250L, 5_000L);
      assertThat(log.queuedBytes()).isLessThanOrEqualTo(maxQueued);
      assertThat(accepted).noneMatch(CompletableFuture::isDone);

      diskFreed.countDown();
      CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      log.append(record("after")).get(10, TimeUnit.SECONDS);
      assertThat(log.queuedBytes()).isZero();
      assertThat(log.query(PredictionQuery.all(1000))).hasSize(fit + 1);
    }
  }

  @Test
  void aRequestsPredictionsEnterTheQueueAllOrNone() throws Exception {
    PredictionLogOptions options =
        PredictionLogOptions.defaults()
            .withoutMaintenance()
            .withMaxQueuedBytes(4 * 1024)
            .withAppendTimeout(Duration.ofMillis(100));
    CountDownLatch diskStalled = new CountDownLatch(1);
    CountDownLatch diskFreed = new CountDownLatch(1);
    WalWriter.Durability slowDisk =
        channel -> {
          diskStalled.countDown();
          try {
            diskFreed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          channel.force(false);
        };
    try (PredictionLog log = WalPredictionLog.open(dir, options, slowDisk)) {
      try {
        CompletableFuture<Void> first = log.append(record("p0"));
        assertThat(diskStalled.await(10, TimeUnit.SECONDS)).isTrue();
        int frame = RecordCodec.encode(record("p1")).remaining();
        List<PredictionRecord> filler = new ArrayList<>();
        long queued = RecordCodec.encode(record("p0")).remaining();
        // Leave room for one more record, not two.
        for (int i = 1; queued + 2L * frame <= 4 * 1024; i++) {
          filler.add(record("f" + i));
          queued += RecordCodec.encode(record("f" + i)).remaining();
        }
        CompletableFuture<Void> filled = log.appendAll(filler);
        long before = log.queuedBytes();
        assertThatThrownBy(() -> log.appendAll(List.of(record("b1"), record("b2"))))
            .isInstanceOf(PredictionLogFullException.class)
            .hasMessageContaining("the 2 predictions from b1 were not logged");
        assertThat(log.queuedBytes()).isEqualTo(before);

        diskFreed.countDown();
        CompletableFuture.allOf(first, filled).get(10, TimeUnit.SECONDS);
        log.appendAll(List.of(record("c1"), record("c2"))).get(10, TimeUnit.SECONDS);
        assertThat(log.query(PredictionQuery.all(1000)))
            .extracting(PredictionRecord::predictionId)
            .contains("p0", "c1", "c2")
            .doesNotContain("b1", "b2")
            .hasSize(filler.size() + 3);
      } finally {
        diskFreed.countDown();
      }
    }
  }

  @Test
  void aRecordLargerThanTheWholeQueueIsRefusedAtOnce() {
    PredictionLogOptions options =
        PredictionLogOptions.defaults().withoutMaintenance().withMaxQueuedBytes(1024);
    try (PredictionLog log = PredictionLog.open(dir, options)) {
      PredictionRecord big =
          new PredictionRecord(
              "big",
              "d",
              "prod",
              "m",
              "1",
              "{\"x\":\"" + "a".repeat(2000) + "\"}",
              "1",
              0,
              Records.T0,
              java.util.Optional.empty());
      assertThatThrownBy(() -> log.append(big))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("more than the log's whole queue (1024)");
    }
  }

  @Test
  void aFailedFsyncFailsItsBatchAndEveryLaterAppendClearly() throws Exception {
    WalWriter.Durability failingDisk =
        channel -> {
          throw new java.io.IOException("No space left on device");
        };
    try (PredictionLog log =
        WalPredictionLog.open(
            dir, PredictionLogOptions.defaults().withoutMaintenance(), failingDisk)) {
      CompletableFuture<Void> first = log.append(record("p0"));
      assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(PredictionLogException.class)
          .cause()
          .hasMessageContaining("cannot write to")
          .hasMessageContaining("No space left on device")
          .hasMessageContaining("takes no more predictions until the server restarts");
      assertThatThrownBy(() -> log.append(record("p1")))
          .isInstanceOf(PredictionLogException.class)
          .hasMessageContaining("No space left on device");
      assertThat(log.queuedBytes()).isZero();
    }
  }
}
