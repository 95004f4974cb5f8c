package dev.tend.evaluation;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The quality of binary predictions (class 1 is positive) against labels.
 *
 * @param rows rows evaluated
 * @param positives rows whose label is positive
 * @param threshold a row is predicted positive when its probability exceeds this
 * @param confusion counts by actual and predicted class at {@code threshold}
 * @param accuracy share of rows predicted right
 * @param precision of the positive class
 * @param recall of the positive class
 * @param f1 of the positive class
 * @param rocAuc area under the ROC curve; from a {@link ScoreHistogram} when {@code rankingExact}
 *     is false
 * @param averagePrecision PR AUC as scikit-learn's average precision; undefined when not exact
 * @param logLoss mean log loss, clipped as scikit-learn does
 * @param brier mean squared difference between probability and outcome
 * @param expectedCalibrationError over the {@code calibration} bins
 * @param calibration reliability bins
 * @param rankingExact whether the ranking metrics come from every score
 */
public record BinaryMetrics(
    long rows,
    long positives,
    double threshold,
    ConfusionMatrix confusion,
    MetricValue accuracy,
    MetricValue precision,
    MetricValue recall,
    MetricValue f1,
    MetricValue rocAuc,
    MetricValue averagePrecision,
    MetricValue logLoss,
    MetricValue brier,
    MetricValue expectedCalibrationError,
    List<CalibrationBins.Bin> calibration,
    boolean rankingExact) {
  public BinaryMetrics {
    requireNonNull(confusion, "confusion is null");
    confusion = confusion.copy();
    requireNonNull(accuracy, "accuracy is null");
    requireNonNull(precision, "precision is null");
    requireNonNull(recall, "recall is null");
    requireNonNull(f1, "f1 is null");
    requireNonNull(rocAuc, "rocAuc is null");
    requireNonNull(averagePrecision, "averagePrecision is null");
    requireNonNull(logLoss, "logLoss is null");
    requireNonNull(brier, "brier is null");
    requireNonNull(expectedCalibrationError, "expectedCalibrationError is null");
    calibration = List.copyOf(calibration);
  }

  @Override
  public ConfusionMatrix confusion() {
    return confusion.copy();
  }
}
