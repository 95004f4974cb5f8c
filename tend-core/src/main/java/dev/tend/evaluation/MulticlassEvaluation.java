package dev.tend.evaluation;

/** Exact evaluation of multiclass predictions on a holdout. */
public final class MulticlassEvaluation {
  private MulticlassEvaluation() {}

  /**
   * @param actual the actual classes, each in {@code 0..k-1}
   * @param probabilities one row of {@code k} class probabilities per label
   * @throws IllegalArgumentException if lengths differ, a class is out of range or a probability is
   *     outside [0, 1]
   */
  public static MulticlassMetrics evaluate(int[] actual, double[][] probabilities) {
    Checks.sameLength(actual.length, probabilities.length, "probability rows");
    if (probabilities.length == 0) {
      throw new IllegalArgumentException(
          "cannot tell the number of classes from no rows; use MulticlassAccumulator");
    }
    MulticlassAccumulator accumulator = MulticlassAccumulator.create(probabilities[0].length);
    for (int i = 0; i < actual.length; i++) {
      accumulator.add(actual[i], probabilities[i]);
    }
    return accumulator.metrics(rocAucOneVsRest(actual, probabilities, accumulator.classes()));
  }

  /** Macro-averaged one-vs-rest ROC AUC; undefined unless every class occurs among the labels. */
  static MetricValue rocAucOneVsRest(int[] actual, double[][] probabilities, int classes) {
    double sum = 0;
    boolean[] isClass = new boolean[actual.length];
    double[] scores = new double[actual.length];
    for (int c = 0; c < classes; c++) {
      for (int i = 0; i < actual.length; i++) {
        isClass[i] = actual[i] == c;
        scores[i] = probabilities[i][c];
      }
      MetricValue auc = Ranking.rocAuc(isClass, scores);
      if (!auc.isDefined()) {
        return MetricValue.undefined(
            "class " + c + ": " + auc.undefinedReason().orElseThrow() + " against the rest");
      }
      sum += auc.value();
    }
    return MetricValue.of(sum / classes);
  }
}
