package dev.tend.metric;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * The answers of an engine to a set of {@link Metric}s. A metric with no value (for example the
 * mean of an empty column) maps to an empty {@link OptionalDouble}.
 */
public final class MetricValues {
  private final Map<Metric, Double> values;

  private MetricValues(Map<Metric, Double> values) {
    this.values = values;
  }

  /** Values may contain null for "computed, but no value". */
  public static MetricValues of(Map<Metric, Double> values) {
    requireNonNull(values, "values is null");
    return new MetricValues(java.util.Collections.unmodifiableMap(new java.util.HashMap<>(values)));
  }

  public boolean has(Metric metric) {
    return values.containsKey(metric);
  }

  /** The value of a computed metric; throws if the metric was never requested. */
  public OptionalDouble get(Metric metric) {
    if (!values.containsKey(metric)) {
      throw new IllegalArgumentException("metric was not computed: " + metric.key());
    }
    Double value = values.get(metric);
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  /** A count metric, which always has a value. */
  public long count(Metric metric) {
    return (long) get(metric).orElse(0);
  }

  public Map<Metric, Double> asMap() {
    return values;
  }
}
