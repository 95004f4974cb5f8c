package dev.tend.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real service (Alertmanager, Prometheus, an SMTP server) run as a child process on a free
 * loopback port for one test, and killed after. A missing binary skips the test with a message
 * naming the Debian package, except under CI ({@code CI=true}), where run-tests installs them and a
 * missing one is a failure.
 */
public final class LoopbackService implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int port;

  private LoopbackService(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Skips the test (fails it under CI) when {@code binary} is not installed. */
  public static void require(Path binary, String debianPackage) {
    boolean present = Files.isExecutable(binary);
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(binary + " is missing: install Debian package " + debianPackage);
    }
    assumeTrue(
        present,
        binary + " is not installed; apt-get install " + debianPackage + " to run this test");
  }

  /** A loopback port nothing listens on right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code command} in {@code dir} and waits until {@code port} accepts connections. */
  public static LoopbackService start(List<String> command, Path dir, int port, Duration wait)
      throws IOException, InterruptedException {
    Path log = dir.resolve("service.log");
    Process process =
        new ProcessBuilder(new ArrayList<>(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    LoopbackService service = new LoopbackService(process, log, port);
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            command.get(0) + " exited with " + process.exitValue() + ":\n" + service.log());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return service;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    service.close();
    throw new IllegalStateException(
        command.get(0) + " did not listen on " + port + ":\n" + service.log());
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** What the process wrote so far, for failure messages. */
  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
