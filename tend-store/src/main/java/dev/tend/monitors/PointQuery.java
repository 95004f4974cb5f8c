package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.MonitorMetric;
import java.time.Instant;
import java.util.Optional;

/**
 * Which stored figures to read: those of one deployment whose window starts in {@code [from, to)},
 * optionally of one metric, column, model version and segment, earliest window first (or newest
 * first), at most {@code limit}.
 */
public record PointQuery(
    String deployment,
    Optional<MonitorMetric> metric,
    Optional<String> column,
    Optional<String> modelVersion,
    Optional<String> segment,
    Instant from,
    Instant to,
    boolean newestFirst,
    int limit) {
  public PointQuery {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(metric, "metric is null");
    requireNonNull(column, "column is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(segment, "segment is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
  }
}
