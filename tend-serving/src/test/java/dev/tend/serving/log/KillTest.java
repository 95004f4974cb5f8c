package dev.tend.serving.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real kill -9: a child JVM appends predictions from several threads and prints each id once its
 * append is acknowledged, as a server answers once the log has the prediction; the test kills it
 * mid-stream and every printed id must be in the reopened log, whether acknowledgements wait for an
 * fsync or only for the write to the operating system (a sync interval).
 */
class KillTest {
  private static final int ACKS_BEFORE_KILL = 3_000;

  @TempDir Path dir;

  /* 0: fsync before each acknowledgement; 1000: acknowledged once written, fsynced within 1 s. */
  @ParameterizedTest
  @ValueSource(longs = {0, 1000})
  void everyAcknowledgedPredictionSurvivesKillMinus9(long syncIntervalMillis) throws Exception {
    Path logDir = dir.resolve("log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                AppendUntilKilled.class.getName(),
                logDir.toString(),
                Long.toString(syncIntervalMillis))
            .redirectError(dir.resolve("child.err").toFile())
            .start();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (BufferedReader lines =
                      new BufferedReader(
                          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                      if (line.endsWith(";")) { // a line cut by the kill is not an acknowledgement
                        acknowledged.add(line.substring(0, line.length() - 1));
                      }
                    }
                  } catch (java.io.IOException e) {
                    // the pipe closes when the child dies
                  }
                });
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acknowledged.size() < ACKS_BEFORE_KILL && System.nanoTime() < deadline) {
        assertThat(child.isAlive()).as("the child is still appending; see child.err").isTrue();
        Thread.sleep(5);
      }
      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKS_BEFORE_KILL);
      child.destroyForcibly(); // SIGKILL on Linux
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);
    } finally {
      child.destroyForcibly();
    }
    reader.join(10_000);

    try (PredictionLog log =
        PredictionLog.open(logDir, PredictionLogOptions.defaults().withoutMaintenance())) {
      Set<String> logged = new HashSet<>();
      log.query(PredictionQuery.all(Integer.MAX_VALUE))
          .forEach(r -> assertThat(logged.add(r.predictionId())).isTrue());
      Set<String> missing = new HashSet<>(acknowledged);
      missing.removeAll(logged);
      assertThat(missing).as("acknowledged but lost").isEmpty();
      assertThat(logged.size()).isGreaterThanOrEqualTo(acknowledged.size());
      // the log still works after the crash, and its compaction keeps every record
      log.compact();
      assertThat(log.query(PredictionQuery.all(Integer.MAX_VALUE))).hasSize(logged.size());
    }
  }

  /** Run in a child process: appends from four threads, printing each acknowledged id. */
  static final class AppendUntilKilled {
    public static void main(String[] args) {
      PredictionLog log =
          PredictionLog.open(
              Path.of(args[0]),
              PredictionLogOptions.defaults()
                  .withoutMaintenance()
                  .withSegmentBytes(64 * 1024)
                  .withSyncInterval(java.time.Duration.ofMillis(Long.parseLong(args[1]))));
      PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
      for (int t = 0; t < 4; t++) {
        int thread = t;
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 0; ; i++) {
                    String id = "t" + thread + "-" + i;
                    log.append(Records.record(id, "d" + thread, Records.T0.plusMillis(i))).join();
                    synchronized (out) {
                      out.print(id + ";\n");
                      out.flush();
                    }
                  }
                });
      }
    }
  }
}
