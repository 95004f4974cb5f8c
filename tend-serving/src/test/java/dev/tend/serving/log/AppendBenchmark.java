package dev.tend.serving.log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends per second with group commit and with one fsync per record, from 16 threads that each
 * wait for their append as a serving thread does. Not a unit test; run by hand:
 *
 * <pre>java -cp CLASSPATH dev.tend.serving.log.AppendBenchmark [seconds] [directory]</pre>
 */
final class AppendBenchmark {
  private AppendBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path base = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("log-bench");
    PredictionLogOptions group = PredictionLogOptions.defaults().withoutMaintenance();
    for (int round = 0; round < 2; round++) {
      report("group commit", run(base.resolve("group-" + round), group, seconds), seconds);
      report(
          "fsync per record",
          run(base.resolve("single-" + round), group.withMaxBatchRecords(1), seconds),
          seconds);
    }
  }

  private static long run(Path dir, PredictionLogOptions options, int seconds) throws Exception {
    AtomicLong appended = new AtomicLong();
    try (PredictionLog log = PredictionLog.open(dir, options)) {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      while (System.nanoTime() < end) {
                        CompletableFuture<Void> done =
                            log.append(Records.record(PredictionIds.next()));
                        done.join();
                        appended.incrementAndGet();
                      }
                    }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
    }
    return appended.get();
  }

  private static void report(String mode, long appended, int seconds) {
    System.out.printf("%-17s %,10d appends/s%n", mode, appended / seconds);
  }
}
