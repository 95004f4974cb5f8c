package dev.tend.evaluation;

import static java.util.Objects.requireNonNull;

/**
 * Precision, recall and F1 combined over classes one way.
 *
 * @param average how the classes are combined
 */
public record AveragedScores(
    Average average, MetricValue precision, MetricValue recall, MetricValue f1) {
  public AveragedScores {
    requireNonNull(average, "average is null");
    requireNonNull(precision, "precision is null");
    requireNonNull(recall, "recall is null");
    requireNonNull(f1, "f1 is null");
  }

  static AveragedScores of(ConfusionMatrix confusion, Average average) {
    return new AveragedScores(
        average, confusion.precision(average), confusion.recall(average), confusion.f1(average));
  }
}
