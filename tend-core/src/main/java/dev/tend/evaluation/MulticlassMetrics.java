package dev.tend.evaluation;

import static java.util.Objects.requireNonNull;

/**
 * The quality of multiclass predictions (classes {@code 0..k-1}; the predicted class is the one of
 * highest probability, the lowest index on ties).
 *
 * @param rows rows evaluated
 * @param confusion counts by actual and predicted class
 * @param accuracy share of rows predicted right
 * @param macro unweighted means over classes
 * @param weighted means weighted by support
 * @param micro from summed counts (equal to the accuracy)
 * @param rocAuc one-vs-rest ROC AUC, unweighted mean over classes; undefined unless every class
 *     occurs among the labels (as scikit-learn)
 * @param logLoss mean log loss, clipped and renormalized as scikit-learn does
 */
public record MulticlassMetrics(
    long rows,
    ConfusionMatrix confusion,
    MetricValue accuracy,
    AveragedScores macro,
    AveragedScores weighted,
    AveragedScores micro,
    MetricValue rocAuc,
    MetricValue logLoss) {
  public MulticlassMetrics {
    confusion = requireNonNull(confusion, "confusion is null").copy();
    requireNonNull(accuracy, "accuracy is null");
    requireNonNull(macro, "macro is null");
    requireNonNull(weighted, "weighted is null");
    requireNonNull(micro, "micro is null");
    requireNonNull(rocAuc, "rocAuc is null");
    requireNonNull(logLoss, "logLoss is null");
  }

  @Override
  public ConfusionMatrix confusion() {
    return confusion.copy();
  }
}
