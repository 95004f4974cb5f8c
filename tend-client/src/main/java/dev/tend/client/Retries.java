package dev.tend.client;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** When and how long to wait before trying a call again. */
final class Retries {
  private Retries() {}

  /**
   * Statuses a later attempt may get past: rate limiting and an overloaded or restarting server.
   */
  static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /**
   * The pause after attempt {@code attempt} (1-based): full jitter over {@code initial * 2^(n-1)}
   * capped at {@code max}, or the server's {@code Retry-After} when that is longer (capped too).
   */
  static Duration backoff(int attempt, Duration initial, Duration max, Optional<Duration> after) {
    long ceiling = initial.toMillis() << Math.min(attempt - 1, 20);
    ceiling = Math.min(Math.max(ceiling, 1), max.toMillis());
    long pause = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
    if (after.isPresent()) {
      pause = Math.max(pause, Math.min(after.get().toMillis(), max.toMillis()));
    }
    return Duration.ofMillis(pause);
  }

  /** A {@code Retry-After} in seconds; HTTP dates and garbage are ignored. */
  static Optional<Duration> retryAfter(String header) {
    try {
      long seconds = Long.parseLong(header.strip());
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
