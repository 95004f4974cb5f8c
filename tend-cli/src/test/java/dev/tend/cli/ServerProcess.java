package dev.tend.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code tend server} in a child JVM, started from the packaged CLI ({@code
 * target/tend-cli.jar} and its runtime classpath in {@code target/lib}, as {@code ./tend} runs it),
 * so that a test can kill it with SIGKILL. Not thread-safe.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("^Tend server \\S+ listening on (http://\\S+)$", Pattern.MULTILINE);
  private static final Pattern ADMIN_TOKEN =
      Pattern.compile("^Admin token \\(shown once\\): (\\S+)$", Pattern.MULTILINE);
  private static final long START_TIMEOUT_SECONDS = 90;

  private final Process process;
  private final Path log;
  private final URI uri;
  private final Optional<String> adminToken;

  private ServerProcess(Process process, Path log, URI uri, Optional<String> adminToken) {
    this.process = process;
    this.log = log;
    this.uri = uri;
    this.adminToken = adminToken;
  }

  /**
   * Options of one start.
   *
   * @param metadataUrl {@code TEND_METADATA_URL}, when not the SQLite file in the data dir
   * @param pauseAt pause points ({@code dev.tend.server.internal.PausePoints}) such as {@code
   *     push.before-commit#2}, separated by commas; when the server reaches one, it writes {@link
   *     #pauseMarker} and blocks that request
   * @param scratch where the server's output goes (one file per start) and its JVM's temporary
   *     files: DuckDB unpacks its 70 MB native library there and only deletes it at a normal exit
   * @param environment more {@code TEND_*} settings, such as {@code TEND_PIPELINES_LEASE}
   */
  record Options(
      Path dataDir,
      Optional<String> metadataUrl,
      Optional<String> pauseAt,
      Path scratch,
      Map<String, String> environment) {
    Options {
      environment = Map.copyOf(environment);
    }

    Options(Path dataDir, Optional<String> metadataUrl, Optional<String> pauseAt, Path scratch) {
      this(dataDir, metadataUrl, pauseAt, scratch, Map.of());
    }
  }

  /** Starts a server on a free port and returns once it listens. */
  static ServerProcess start(Options options) throws IOException, InterruptedException {
    Path jar = Path.of("target", "tend-cli.jar").toAbsolutePath();
    Path lib = Path.of("target", "lib").toAbsolutePath();
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new AssertionError(
          "no packaged CLI at "
              + jar
              + " and "
              + lib
              + "; run the integration tests with mvn verify");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    // Two cores are shared by the test JVM and this server: C1 only starts it faster.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx512m");
    Path tmp = Files.createDirectories(options.scratch().resolve("tmp"));
    command.add("-Djava.io.tmpdir=" + tmp);
    options
        .pauseAt()
        .ifPresent(
            point -> {
              command.add("-Dtend.test.pause-at=" + point);
              command.add("-Dtend.test.pause-marker=" + pauseMarker(options.dataDir()));
            });
    command.addAll(
        List.of(
            "-cp",
            jar + java.io.File.pathSeparator + lib.resolve("*"),
            "dev.tend.cli.Main",
            "server",
            "--port",
            "0",
            "--data-dir",
            options.dataDir().toString()));
    Path log = Files.createTempFile(options.scratch(), "server-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("TEND_"));
    options.metadataUrl().ifPresent(url -> env.put("TEND_METADATA_URL", url));
    env.putAll(options.environment());
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      String out = Files.readString(log, StandardCharsets.UTF_8);
      Matcher listening = LISTENING.matcher(out);
      if (listening.find()) {
        Matcher token = ADMIN_TOKEN.matcher(out);
        return new ServerProcess(
            process,
            log,
            URI.create(listening.group(1)),
            token.find() ? Optional.of(token.group(1)) : Optional.empty());
      }
      if (!process.isAlive()) {
        throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + out);
      }
      Thread.sleep(25);
    }
    process.destroyForcibly();
    throw new AssertionError(
        "the server did not listen within "
            + START_TIMEOUT_SECONDS
            + " s:\n"
            + Files.readString(log, StandardCharsets.UTF_8));
  }

  /** The file a paused server writes the point's name to. */
  static Path pauseMarker(Path dataDir) {
    return dataDir.resolveSibling(dataDir.getFileName() + ".paused");
  }

  /** Waits until the server pauses at {@code point}, then removes the marker. */
  void awaitPause(Path dataDir, String point) throws IOException, InterruptedException {
    Path marker = pauseMarker(dataDir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(marker)) {
        String reached = Files.readString(marker, StandardCharsets.UTF_8);
        Files.delete(marker);
        if (!reached.equals(point)) {
          throw new AssertionError("paused at " + reached + ", not " + point);
        }
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the server died before pausing at " + point + ":\n" + output());
      }
      Thread.sleep(10);
    }
    throw new AssertionError("the server never paused at " + point + ":\n" + output());
  }

  URI uri() {
    return uri;
  }

  /** The server JVM's process id. */
  long pid() {
    return process.pid();
  }

  /** The admin token printed at the first start on an empty database. */
  Optional<String> adminToken() {
    return adminToken;
  }

  /** Everything the server printed so far. */
  String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills the server with SIGKILL (no shutdown hook runs) and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the server survived SIGKILL for 30 s");
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
