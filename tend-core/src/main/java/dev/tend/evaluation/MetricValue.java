package dev.tend.evaluation;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The value of one metric, or the reason it has none (a single class present, no rows, a zero
 * denominator). An undefined value holds {@link Double#NaN}, so arithmetic on it cannot pass for a
 * real figure.
 *
 * @param value the metric, NaN exactly when undefined
 * @param undefinedReason why the metric is undefined, empty when it is defined
 */
public record MetricValue(double value, Optional<String> undefinedReason) {
  public MetricValue {
    requireNonNull(undefinedReason, "undefinedReason is null");
    if (Double.isNaN(value) != undefinedReason.isPresent()) {
      throw new IllegalArgumentException(
          "a metric value is NaN exactly when it is undefined: " + value + ", " + undefinedReason);
    }
  }

  /** A defined value; NaN is refused (use {@link #undefined}). */
  public static MetricValue of(double value) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("a defined metric value must not be NaN");
    }
    return new MetricValue(value, Optional.empty());
  }

  public static MetricValue undefined(String reason) {
    return new MetricValue(Double.NaN, Optional.of(requireNonNull(reason, "reason is null")));
  }

  /** {@code numerator / denominator}, undefined with {@code reason} when the denominator is 0. */
  static MetricValue ratio(double numerator, double denominator, String reason) {
    return denominator == 0 ? undefined(reason) : of(numerator / denominator);
  }

  public boolean isDefined() {
    return undefinedReason.isEmpty();
  }

  @Override
  public String toString() {
    return undefinedReason.map(r -> "undefined (" + r + ")").orElse(Double.toString(value));
  }
}
