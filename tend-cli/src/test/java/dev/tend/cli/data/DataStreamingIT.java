package dev.tend.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import dev.tend.server.config.TendConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tend data push} and {@code pull} stream: the real {@code ./tend} process, with a heap five
 * times smaller than the file, pushes it to a started server and pulls it back byte-identical.
 */
class DataStreamingIT {
  static final long FILE_BYTES = 160L << 20;
  static final String HEAP = "-Xmx32m";

  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  private static Run tend(Path root, Map<String, String> environment, Path dir, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(root.resolve("tend").toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("./tend " + String.join(" ", args) + " timed out");
    }
    return new Run(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void aFileFiveTimesTheHeapIsPushedAndPulledBackByteIdentical() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    assumeTrue(root != null && Files.isExecutable(root.resolve("tend")), "no executable ../tend");
    Path big = dir.resolve("readings.csv");
    long rows = writeCsv(big);
    Path serverDir = Files.createDirectories(dir.resolve("server"));
    TendConfig defaults = TendConfig.forDataDir(serverDir);
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            1L << 30,
            Duration.ofSeconds(1),
            serverDir,
            defaults.metadataUrl(),
            defaults.artifactsDir(),
            false);
    try (LocalServer server = LocalServer.start(config, Optional.empty())) {
      Map<String, String> environment =
          Map.of(
              "TEND_URL",
              server.uri().toString(),
              "TEND_TOKEN",
              server.bootstrap().orElseThrow().plainText(),
              "TEND_PROJECT",
              "sensors",
              "TEND_JAVA_OPTS",
              HEAP);
      assertThat(tend(root, environment, dir, "project", "create", "sensors").exitCode()).isZero();
      assertThat(tend(root, environment, dir, "data", "create", "readings").exitCode()).isZero();

      long started = System.nanoTime();
      Run push =
          tend(
              root,
              environment,
              dir,
              "data",
              "push",
              "readings",
              big.toString(),
              "--format",
              "json");
      long pushMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(push.exitCode()).as(push.toString()).isZero();
      JsonNode pushed = Cli.JSON.readTree(push.out());
      assertThat(pushed.get("row_count").asLong()).isEqualTo(rows);
      assertThat(pushed.get("uploaded_bytes").asLong()).isEqualTo(Files.size(big));

      Path out = dir.resolve("pulled");
      started = System.nanoTime();
      Run pull =
          tend(root, environment, dir, "data", "pull", "readings@1", "--out", out.toString());
      long pullMillis = (System.nanoTime() - started) / 1_000_000;
      assertThat(pull.exitCode()).as(pull.toString()).isZero();
      assertThat(Files.mismatch(out.resolve("readings.csv"), big)).isEqualTo(-1L);
      System.out.printf(
          "push of %d MiB (%d rows) with %s: %d ms; pull: %d ms%n",
          Files.size(big) >> 20, rows, HEAP, pushMillis, pullMillis);
    }
  }

  private static long writeCsv(Path file) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    long rows = 0;
    try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writer.write("id,sensor,reading,payload\n");
      long written = 0;
      while (written < FILE_BYTES) {
        rows++;
        // A wide payload keeps the row count, and so the server's profiling time, down.
        String line =
            rows
                + ",s"
                + random.nextInt(500)
                + ","
                + random.nextLong()
                + ","
                + Long.toHexString(random.nextLong()).repeat(6)
                + "\n";
        writer.write(line);
        written += line.length();
      }
    }
    return rows;
  }
}
