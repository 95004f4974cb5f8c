package dev.tend.server.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points where a crash test stops the server, so that it can kill the process exactly there.
 * Inert unless the system property {@value #PAUSE_AT} is set when the process starts: {@code NAME}
 * pauses the first time point {@code NAME} is reached, {@code NAME#N} the N-th time. The thread
 * that reaches it writes {@code NAME} to the file named by {@value #MARKER} (when set) and blocks
 * until the process ends; other requests go on. For tests only; thread-safe.
 */
public final class PausePoints {
  /** The system property naming the point to pause at, read once. */
  public static final String PAUSE_AT = "tend.test.pause-at";

  /** The system property naming the file written when the pause begins. */
  public static final String MARKER = "tend.test.pause-marker";

  /** A push has reserved its version number and created its (empty) work folder. */
  public static final String PUSH_RESERVED = "push.reserved";

  /** A push has written its files into its work folder, before opening them. */
  public static final String PUSH_MATERIALIZED = "push.materialized";

  /** A push has profiled and checked its files and is about to commit the version. */
  public static final String PUSH_BEFORE_COMMIT = "push.before-commit";

  /** A push has committed its version but not yet removed its work folder or answered. */
  public static final String PUSH_COMMITTED = "push.committed";

  private static final Logger LOG = LoggerFactory.getLogger(PausePoints.class);
  private static final Optional<Target> TARGET = Target.parse(System.getProperty(PAUSE_AT));
  private static final AtomicInteger ARRIVALS = new AtomicInteger();

  private PausePoints() {}

  /** Marks that {@code point} is reached; returns at once unless the test asked to pause here. */
  public static void reach(String point) {
    if (TARGET.isEmpty()
        || !TARGET.get().point().equals(point)
        || ARRIVALS.incrementAndGet() != TARGET.get().arrival()) {
      return;
    }
    LOG.warn(
        "pausing at {} for a crash test ({}={})", point, PAUSE_AT, System.getProperty(PAUSE_AT));
    String marker = System.getProperty(MARKER);
    if (marker != null) {
      writeMarker(Path.of(marker), point);
    }
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while paused at " + point, e);
    }
  }

  private static void writeMarker(Path marker, String point) {
    Path temp = marker.resolveSibling(marker.getFileName() + ".tmp");
    try {
      Files.writeString(temp, point, StandardCharsets.UTF_8);
      Files.move(temp, marker, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pause marker " + marker, e);
    }
  }

  private record Target(String point, int arrival) {
    static Optional<Target> parse(String value) {
      if (value == null || value.isBlank()) {
        return Optional.empty();
      }
      int hash = value.indexOf('#');
      return Optional.of(
          hash < 0
              ? new Target(value, 1)
              : new Target(value.substring(0, hash), Integer.parseInt(value.substring(hash + 1))));
    }
  }
}
