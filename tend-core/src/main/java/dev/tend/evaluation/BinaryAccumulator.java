package dev.tend.evaluation;

/**
 * A mergeable state of binary predictions: confusion counts at a threshold, log-loss and Brier
 * sums, calibration bins and a score histogram. Monitoring keeps one per window and merges windows
 * and partitions; ROC AUC is then the histogram's approximation and average precision is undefined.
 * For exact figures on a holdout use {@link BinaryEvaluation}.
 *
 * <p>Not thread-safe.
 */
public final class BinaryAccumulator {
  private final double threshold;
  private final ConfusionMatrix confusion = ConfusionMatrix.create(2);
  private final CompensatedSum logLoss = new CompensatedSum();
  private final CompensatedSum brier = new CompensatedSum();
  private final CalibrationBins calibration;
  private final ScoreHistogram histogram;

  private BinaryAccumulator(double threshold, int calibrationBins, int histogramBins) {
    Checks.probability(threshold);
    this.threshold = threshold;
    this.calibration = CalibrationBins.create(calibrationBins);
    this.histogram = ScoreHistogram.create(histogramBins);
  }

  /**
   * @param threshold a row is predicted positive when its probability exceeds this
   * @param calibrationBins reliability bins (10 is usual)
   * @param histogramBins score histogram bins for the approximate AUC (1,000 is usual)
   */
  public static BinaryAccumulator create(double threshold, int calibrationBins, int histogramBins) {
    return new BinaryAccumulator(threshold, calibrationBins, histogramBins);
  }

  public void add(boolean actual, double probability) {
    Checks.probability(probability);
    confusion.add(actual ? 1 : 0, probability > threshold ? 1 : 0);
    logLoss.add(LogLoss.binary(actual, probability));
    double error = (actual ? 1 : 0) - probability;
    brier.add(error * error);
    calibration.add(actual, probability);
    histogram.add(actual, probability);
  }

  /** Adds {@code other}'s rows; both must have the same threshold and bin counts. */
  public void merge(BinaryAccumulator other) {
    if (Double.compare(other.threshold, threshold) != 0) {
      throw new IllegalArgumentException(
          "cannot merge predictions at threshold " + other.threshold + " into " + threshold);
    }
    confusion.merge(other.confusion);
    logLoss.merge(other.logLoss);
    brier.merge(other.brier);
    calibration.merge(other.calibration);
    histogram.merge(other.histogram);
  }

  public long rows() {
    return confusion.total();
  }

  public BinaryMetrics metrics() {
    return metrics(
        histogram.approximateRocAuc(),
        MetricValue.undefined("average precision needs every score"),
        false);
  }

  BinaryMetrics metrics(MetricValue rocAuc, MetricValue averagePrecision, boolean exact) {
    long rows = confusion.total();
    return new BinaryMetrics(
        rows,
        confusion.support(1),
        threshold,
        confusion,
        confusion.accuracy(),
        confusion.precision(1),
        confusion.recall(1),
        confusion.f1(1),
        rocAuc,
        averagePrecision,
        MetricValue.ratio(logLoss.value(), rows, "no rows"),
        MetricValue.ratio(brier.value(), rows, "no rows"),
        calibration.expectedCalibrationError(),
        calibration.curve(),
        exact);
  }
}
