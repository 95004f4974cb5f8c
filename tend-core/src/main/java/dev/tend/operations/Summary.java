package dev.tend.operations;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The median and 90th percentile of some durations in seconds, by linear interpolation between the
 * closest ranks (numpy's default); both empty when there are none.
 */
public record Summary(int count, OptionalDouble median, OptionalDouble p90) {
  public static final Summary EMPTY =
      new Summary(0, OptionalDouble.empty(), OptionalDouble.empty());

  public Summary {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, got " + count);
    }
  }

  /** The summary of {@code seconds}, which must all be finite. */
  public static Summary of(List<Double> seconds) {
    if (seconds.isEmpty()) {
      return EMPTY;
    }
    double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    for (double value : sorted) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("durations must be finite, got " + value);
      }
    }
    return new Summary(
        sorted.length,
        OptionalDouble.of(quantile(sorted, 0.5)),
        OptionalDouble.of(quantile(sorted, 0.9)));
  }

  /* Linear interpolation between order statistics: position q * (n - 1), counting from 0. */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    double fraction = position - below;
    return sorted[below] + fraction * (sorted[above] - sorted[below]);
  }
}
