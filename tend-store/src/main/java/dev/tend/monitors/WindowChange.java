package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What one ingest batch adds to a window: merged into the stored sketch, added to its counts.
 *
 * @param key which window
 * @param end the window's end, excluded
 * @param rows predictions the batch adds
 * @param failedRequests failed requests the batch adds
 * @param sketch the batch's sketch of the window, when it adds predictions
 */
public record WindowChange(
    WindowKey key, Instant end, long rows, long failedRequests, Optional<byte[]> sketch) {
  public WindowChange {
    requireNonNull(key, "key is null");
    requireNonNull(end, "end is null");
    requireNonNull(sketch, "sketch is null");
    if (!end.isAfter(key.start())) {
      throw new IllegalArgumentException("a window ends after it starts");
    }
    if (rows < 0 || failedRequests < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }
}
