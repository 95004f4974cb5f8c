package dev.tend.server.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points where a crash test stops the server, so that it can kill the process exactly there.
 * Inert unless the system property {@value #PAUSE_AT} is set when the process starts: {@code NAME}
 * pauses the first time point {@code NAME} is reached, {@code NAME#N} the N-th time, and a
 * comma-separated list pauses at each of its points (each counted on its own), so that one kill can
 * stop several pushes at different points. The thread that reaches a point writes {@code NAME} to
 * the file named by {@value #MARKER} (when set) and blocks until the process ends; other requests
 * go on. For tests only; thread-safe.
 */
public final class PausePoints {
  /** The system property naming the point to pause at, read once. */
  public static final String PAUSE_AT = "tend.test.pause-at";

  /** The system property naming the file written when the pause begins. */
  public static final String MARKER = "tend.test.pause-marker";

  /** A push has written its files into its work folder, before opening them; nothing reserved. */
  public static final String PUSH_MATERIALIZED = "push.materialized";

  /**
   * A push has read, profiled and checked its files and named its work folder after its version's
   * id; the version is not reserved yet.
   */
  public static final String PUSH_NAMED = "push.named";

  /** A push has reserved its version number under the id its work folder's name records. */
  public static final String PUSH_RESERVED = "push.reserved";

  /** A push has named its profile and report after the version and is about to commit it. */
  public static final String PUSH_BEFORE_COMMIT = "push.before-commit";

  /** A push has committed its version but not yet removed its work folder or answered. */
  public static final String PUSH_COMMITTED = "push.committed";

  private static final Logger LOG = LoggerFactory.getLogger(PausePoints.class);
  private static final Map<String, Target> TARGETS = parse(System.getProperty(PAUSE_AT));

  private PausePoints() {}

  /** Marks that {@code point} is reached; returns at once unless the test asked to pause here. */
  public static void reach(String point) {
    Target target = TARGETS.get(point);
    if (target == null || target.arrivals().incrementAndGet() != target.arrival()) {
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

  /** Reads a {@value #PAUSE_AT} value: {@code NAME[#N]} items separated by commas. */
  static Map<String, Target> parse(String value) {
    if (value == null || value.isBlank()) {
      return Map.of();
    }
    Map<String, Target> targets = new HashMap<>();
    for (String item : value.split(",")) {
      int hash = item.indexOf('#');
      String point = (hash < 0 ? item : item.substring(0, hash)).strip();
      int arrival = hash < 0 ? 1 : Integer.parseInt(item.substring(hash + 1).strip());
      if (targets.put(point, new Target(arrival, new AtomicInteger())) != null) {
        throw new IllegalArgumentException(PAUSE_AT + " names " + point + " twice: " + value);
      }
    }
    return Map.copyOf(targets);
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

  /**
   * Where to pause at one point: at its {@code arrival}-th arrival, counted in {@code arrivals}.
   */
  record Target(int arrival, AtomicInteger arrivals) {}
}
