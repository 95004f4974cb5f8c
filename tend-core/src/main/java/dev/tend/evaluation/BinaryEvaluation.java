package dev.tend.evaluation;

/**
 * Exact evaluation of binary predictions on a holdout: every metric of {@link BinaryMetrics}, with
 * ROC AUC and average precision from all scores.
 */
public final class BinaryEvaluation {
  /** Default decision threshold. */
  public static final double THRESHOLD = 0.5;

  /** Default number of reliability bins. */
  public static final int CALIBRATION_BINS = 10;

  private BinaryEvaluation() {}

  /** Evaluates with the default threshold 0.5 and 10 calibration bins. */
  public static BinaryMetrics evaluate(boolean[] actual, double[] probabilities) {
    return evaluate(actual, probabilities, THRESHOLD, CALIBRATION_BINS);
  }

  /**
   * @param actual the labels, true for the positive class
   * @param probabilities predicted probabilities of the positive class, in [0, 1]
   * @param threshold a row is predicted positive when its probability exceeds this
   * @param calibrationBins number of equal-width reliability bins
   * @throws IllegalArgumentException if the lengths differ or a probability is outside [0, 1]
   */
  public static BinaryMetrics evaluate(
      boolean[] actual, double[] probabilities, double threshold, int calibrationBins) {
    Checks.sameLength(actual.length, probabilities.length, "probabilities");
    BinaryAccumulator accumulator = BinaryAccumulator.create(threshold, calibrationBins, 1);
    for (int i = 0; i < actual.length; i++) {
      accumulator.add(actual[i], probabilities[i]);
    }
    return accumulator.metrics(
        Ranking.rocAuc(actual, probabilities),
        Ranking.averagePrecision(actual, probabilities),
        true);
  }
}
