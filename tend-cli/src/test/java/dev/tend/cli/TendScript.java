package dev.tend.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real {@code ./tend} script of the repository, run as a process from its root with the given
 * {@code TEND_*} settings (a server's URL, token and project), for the ITs that drive a server
 * through the command line. Not thread-safe.
 */
final class TendScript {
  private static final long TIMEOUT_SECONDS = 300;

  private final Path root;
  private final Map<String, String> environment;
  private final Path scratch;
  private final AtomicInteger runs = new AtomicInteger();

  private TendScript(Path root, Map<String, String> environment, Path scratch) {
    this.root = root;
    this.environment = Map.copyOf(environment);
    this.scratch = scratch;
  }

  /**
   * The script of the repository above the working directory; skips the test when there is none.
   */
  static TendScript find(Map<String, String> environment, Path scratch) {
    Path root = Path.of("").toAbsolutePath().getParent();
    assumeTrue(root != null && Files.isExecutable(root.resolve("tend")), "no executable ../tend");
    if (!Files.isRegularFile(root.resolve("tend-cli/target/tend-cli.jar"))) {
      throw new AssertionError("no packaged CLI; run the integration tests with mvn verify");
    }
    try {
      Files.createDirectories(scratch);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TendScript(root, environment, scratch);
  }

  /** A command started and not waited for; its output goes to files. */
  record Started(Process process, Path out, Path err) {
    /** What it printed to standard output so far. */
    String outSoFar() {
      try {
        return Files.readString(out, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    Cli.Result await() throws IOException, InterruptedException {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("./tend did not end in " + TIMEOUT_SECONDS + " s:\n" + outSoFar());
      }
      Cli.Result result =
          new Cli.Result(
              process.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      // A stale jar would make the script build inside the build, which must not pass silently.
      if (result.err().contains("tend: building")) {
        throw new AssertionError("./tend rebuilt the CLI: its jar is older than the sources");
      }
      return result;
    }
  }

  /** Starts {@code ./tend args} in the repository root. */
  Started start(Object... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(root.resolve("tend").toString()));
    for (Object arg : args) {
      command.add(String.valueOf(arg));
    }
    int n = runs.incrementAndGet();
    Path out = scratch.resolve("tend-" + n + ".out");
    Path err = scratch.resolve("tend-" + n + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("TEND_"));
    builder.environment().putAll(environment);
    return new Started(builder.start(), out, err);
  }

  /** Runs {@code ./tend args} in the repository root to its end. */
  Cli.Result run(Object... args) throws IOException, InterruptedException {
    return start(args).await();
  }
}
