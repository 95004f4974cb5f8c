package dev.tend.evaluation;

/**
 * A mergeable state of multiclass predictions: confusion counts and the log-loss sum. Its metrics
 * leave ROC AUC undefined (it needs every score); use {@link MulticlassEvaluation} on a holdout.
 *
 * <p>Not thread-safe.
 */
public final class MulticlassAccumulator {
  private final ConfusionMatrix confusion;
  private final CompensatedSum logLoss = new CompensatedSum();

  private MulticlassAccumulator(int classes) {
    confusion = ConfusionMatrix.create(classes);
  }

  public static MulticlassAccumulator create(int classes) {
    return new MulticlassAccumulator(classes);
  }

  public int classes() {
    return confusion.classes();
  }

  /**
   * Adds one row.
   *
   * @param actual the actual class
   * @param probabilities one probability per class, each in [0, 1]
   */
  public void add(int actual, double[] probabilities) {
    if (probabilities.length != classes()) {
      throw new IllegalArgumentException(
          "expected " + classes() + " probabilities per row, got " + probabilities.length);
    }
    int predicted = 0;
    for (int c = 0; c < probabilities.length; c++) {
      Checks.probability(probabilities[c]);
      if (probabilities[c] > probabilities[predicted]) {
        predicted = c;
      }
    }
    confusion.add(actual, predicted);
    logLoss.add(LogLoss.multiclass(actual, probabilities));
  }

  public void merge(MulticlassAccumulator other) {
    confusion.merge(other.confusion);
    logLoss.merge(other.logLoss);
  }

  public MulticlassMetrics metrics() {
    return metrics(MetricValue.undefined("ROC AUC needs every score"));
  }

  MulticlassMetrics metrics(MetricValue rocAuc) {
    long rows = confusion.total();
    return new MulticlassMetrics(
        rows,
        confusion,
        confusion.accuracy(),
        AveragedScores.of(confusion, Average.MACRO),
        AveragedScores.of(confusion, Average.WEIGHTED),
        AveragedScores.of(confusion, Average.MICRO),
        rocAuc,
        MetricValue.ratio(logLoss.value(), rows, "no rows"));
  }
}
