package dev.tend.profile;

import java.util.OptionalDouble;

/**
 * Count, mean and sum of squared deviations of a set of numbers; merged with the parallel formula
 * of Chan, Golub and LeVeque, which stays accurate where sums of squares would cancel.
 */
record Moments(long n, double mean, double m2) {
  static final Moments EMPTY = new Moments(0, 0, 0);

  Moments {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0: " + n);
    }
  }

  Moments merge(Moments other) {
    if (other.n == 0) {
      return this;
    }
    if (n == 0) {
      return other;
    }
    long total = n + other.n;
    double delta = other.mean - mean;
    double weight = (double) other.n / total;
    return new Moments(total, mean + delta * weight, m2 + other.m2 + delta * delta * n * weight);
  }

  OptionalDouble meanValue() {
    return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(mean);
  }

  /** Sample standard deviation (ddof = 1), as pandas computes it; absent below two values. */
  OptionalDouble stddev() {
    return n < 2 ? OptionalDouble.empty() : OptionalDouble.of(Math.sqrt(Math.max(0, m2) / (n - 1)));
  }
}
