package dev.tend.evaluation;

/** Argument checks shared by the metrics. */
final class Checks {
  private Checks() {}

  static void sameLength(int labels, int other, String what) {
    if (labels != other) {
      throw new IllegalArgumentException(
          "labels and " + what + " differ in length: " + labels + " and " + other);
    }
  }

  static void finite(double value, String what) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number, was " + value);
    }
  }

  static void probability(double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException("a probability must lie in [0, 1], was " + value);
    }
  }
}
