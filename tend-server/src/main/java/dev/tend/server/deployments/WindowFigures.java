package dev.tend.server.deployments;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * What one version of a deployment did in one window on this server: requests heard, how many it
 * failed, and latency quantiles (empty without requests). Success rate is empty without requests.
 */
public record WindowFigures(
    Instant start,
    Instant end,
    long requests,
    long errors,
    OptionalDouble p50Millis,
    OptionalDouble p99Millis) {
  public WindowFigures {
    requireNonNull(start, "start is null");
    requireNonNull(end, "end is null");
    requireNonNull(p50Millis, "p50Millis is null");
    requireNonNull(p99Millis, "p99Millis is null");
  }

  /** Answered requests over all requests; empty when there were none. */
  public OptionalDouble successRate() {
    return requests == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of((double) (requests - errors) / requests);
  }

  static WindowFigures empty(Instant start, Instant end) {
    return new WindowFigures(start, end, 0, 0, OptionalDouble.empty(), OptionalDouble.empty());
  }
}
