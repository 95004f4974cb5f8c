package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * Which traffic and window a set of figures describes: the part of a {@link MetricPoint} the figure
 * classes do not compute themselves.
 *
 * @param deployment the deployment watched
 * @param modelVersion a model version's id, or {@link MetricPoint#ALL_VERSIONS}
 * @param segment {@code column=value}, or {@link MetricPoint#ALL_ROWS}
 * @param windowStart the window's first instant
 * @param windowEnd the window's end, excluded
 */
public record FigureScope(
    String deployment,
    String modelVersion,
    String segment,
    Instant windowStart,
    Instant windowEnd) {
  public FigureScope {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(segment, "segment is null");
    requireNonNull(windowStart, "windowStart is null");
    requireNonNull(windowEnd, "windowEnd is null");
    if (!windowEnd.isAfter(windowStart)) {
      throw new IllegalArgumentException("windowEnd must be after windowStart");
    }
  }

  /** The same window narrowed to the rows where {@code column} is {@code value}. */
  public FigureScope segment(String column, String value) {
    requireNonNull(column, "column is null");
    requireNonNull(value, "value is null");
    return new FigureScope(deployment, modelVersion, column + "=" + value, windowStart, windowEnd);
  }

  /** A figure without a confidence interval. */
  public MetricPoint point(MonitorMetric metric, String column, double value, long count) {
    return new MetricPoint(
        deployment,
        modelVersion,
        segment,
        windowStart,
        windowEnd,
        metric,
        column,
        value,
        count,
        OptionalDouble.empty(),
        OptionalDouble.empty());
  }

  /** A figure with its 95% confidence interval. */
  public MetricPoint point(
      MonitorMetric metric, String column, double value, long count, double lower, double upper) {
    return new MetricPoint(
        deployment,
        modelVersion,
        segment,
        windowStart,
        windowEnd,
        metric,
        column,
        value,
        count,
        OptionalDouble.of(lower),
        OptionalDouble.of(upper));
  }
}
