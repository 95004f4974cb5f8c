package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One stored window: its sketch so far and what it counted.
 *
 * @param key which window
 * @param end the window's end, excluded
 * @param rows predictions ingested into it
 * @param failedRequests requests the version failed to answer in it
 * @param sketch the window's mergeable sketch, once a prediction was ingested
 * @param updatedAt when it last changed
 */
public record MonitorWindow(
    WindowKey key,
    Instant end,
    long rows,
    long failedRequests,
    Optional<byte[]> sketch,
    Instant updatedAt) {
  public MonitorWindow {
    requireNonNull(key, "key is null");
    requireNonNull(end, "end is null");
    requireNonNull(sketch, "sketch is null");
    requireNonNull(updatedAt, "updatedAt is null");
    if (!end.isAfter(key.start())) {
      throw new IllegalArgumentException("a window ends after it starts");
    }
    if (rows < 0 || failedRequests < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }
}
