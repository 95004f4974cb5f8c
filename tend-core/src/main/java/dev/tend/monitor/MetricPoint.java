package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * One figure of one window: what a monitor reports and what alert rules, the API and {@code
 * /metrics} read.
 *
 * @param deployment the deployment watched
 * @param modelVersion the model version's id, or {@link #ALL_VERSIONS} for the deployment's whole
 *     traffic
 * @param segment {@code column=value} for one segment of the traffic, or {@link #ALL_ROWS}
 * @param windowStart the window's first instant
 * @param windowEnd the window's end, excluded
 * @param metric what was measured
 * @param column the column the figure is about, or empty for the whole window
 * @param value the figure; never NaN (a figure that cannot be computed is not reported)
 * @param count how many rows or labels the figure rests on
 * @param lower the lower end of its 95% confidence interval, where one is known
 * @param upper the upper end of its 95% confidence interval, where one is known
 */
public record MetricPoint(
    String deployment,
    String modelVersion,
    String segment,
    Instant windowStart,
    Instant windowEnd,
    MonitorMetric metric,
    String column,
    double value,
    long count,
    OptionalDouble lower,
    OptionalDouble upper) {
  /** {@link #modelVersion()} of figures over every version of a deployment. */
  public static final String ALL_VERSIONS = "*";

  /** {@link #segment()} of figures over the whole traffic. */
  public static final String ALL_ROWS = "";

  public MetricPoint {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(segment, "segment is null");
    requireNonNull(windowStart, "windowStart is null");
    requireNonNull(windowEnd, "windowEnd is null");
    requireNonNull(metric, "metric is null");
    requireNonNull(column, "column is null");
    requireNonNull(lower, "lower is null");
    requireNonNull(upper, "upper is null");
    if (!windowEnd.isAfter(windowStart)) {
      throw new IllegalArgumentException("windowEnd must be after windowStart");
    }
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(metric.label() + " must be finite, got " + value);
    }
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative");
    }
    boolean hasColumn = !column.isEmpty();
    if (metric.columnUse() == MonitorMetric.ColumnUse.NONE && hasColumn) {
      throw new IllegalArgumentException(metric.label() + " is not about a column");
    }
    if (metric.columnUse() == MonitorMetric.ColumnUse.REQUIRED && !hasColumn) {
      throw new IllegalArgumentException(metric.label() + " needs a column");
    }
  }

  /** A figure of the whole window without a confidence interval. */
  public static MetricPoint of(
      String deployment,
      String modelVersion,
      Instant windowStart,
      Instant windowEnd,
      MonitorMetric metric,
      String column,
      double value,
      long count) {
    return new MetricPoint(
        deployment,
        modelVersion,
        ALL_ROWS,
        windowStart,
        windowEnd,
        metric,
        column,
        value,
        count,
        OptionalDouble.empty(),
        OptionalDouble.empty());
  }
}
