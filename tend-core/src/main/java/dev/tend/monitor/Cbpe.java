package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.evaluation.MetricValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Confidence-based performance estimation (CBPE, as NannyML's) of a binary classifier before its
 * labels arrive. If probabilities are calibrated, a row predicted positive at probability {@code p}
 * is a true positive with probability {@code p}, so the expected confusion matrix is {@code TP =
 * sum p [yhat = 1]}, {@code FP = sum (1 - p) [yhat = 1]}, {@code FN = sum p [yhat = 0]} and {@code
 * TN = sum (1 - p) [yhat = 0]}, where {@code yhat = 1} when {@code p} exceeds the threshold.
 * Accuracy, precision, recall and F1 follow from it; ROC AUC counts each row as a positive of
 * weight {@code p} and a negative of weight {@code 1 - p} at score {@code p}, ties counting one
 * half. Calibrate the scores first ({@link Calibration}). Stateless and thread-safe.
 */
public final class Cbpe {
  private Cbpe() {}

  /**
   * Estimated figures of one window.
   *
   * @param rows rows the estimate rests on
   * @param truePositives expected true positives
   * @param falsePositives expected false positives
   * @param falseNegatives expected false negatives
   * @param trueNegatives expected true negatives
   * @param accuracy estimated accuracy
   * @param precision estimated precision; undefined when nothing is predicted positive
   * @param recall estimated recall; undefined when no positives are expected
   * @param f1 estimated F1
   * @param rocAuc estimated ROC AUC; undefined when all weight is on one class
   * @param meanConfidence mean probability of the predicted class
   */
  public record Estimate(
      long rows,
      double truePositives,
      double falsePositives,
      double falseNegatives,
      double trueNegatives,
      MetricValue accuracy,
      MetricValue precision,
      MetricValue recall,
      MetricValue f1,
      MetricValue rocAuc,
      MetricValue meanConfidence) {
    public Estimate {
      requireNonNull(accuracy, "accuracy is null");
      requireNonNull(precision, "precision is null");
      requireNonNull(recall, "recall is null");
      requireNonNull(f1, "f1 is null");
      requireNonNull(rocAuc, "rocAuc is null");
      requireNonNull(meanConfidence, "meanConfidence is null");
    }
  }

  /** The exact estimate from every probability of the window. */
  public static Estimate estimate(double[] probabilities, double threshold) {
    requireNonNull(probabilities, "probabilities is null");
    checkProbability(threshold, "threshold");
    double[] sorted = probabilities.clone();
    for (double p : sorted) {
      checkProbability(p, "probability");
    }
    Arrays.sort(sorted);
    long[] weights = new long[sorted.length];
    Arrays.fill(weights, 1);
    return fromSorted(sorted, weights, threshold);
  }

  /**
   * The estimate from a histogram: {@code counts[b]} rows with probabilities in the {@code b}-th of
   * {@code counts.length} equal-width bins over [0, 1], each taken at its bin's midpoint. Off from
   * the exact estimate by at most half a bin width in the probabilities; ROC AUC treats a bin's
   * rows as tied.
   */
  public static Estimate estimate(long[] counts, double threshold) {
    requireNonNull(counts, "counts is null");
    checkProbability(threshold, "threshold");
    if (counts.length == 0) {
      throw new IllegalArgumentException("a histogram needs at least one bin");
    }
    double[] midpoints = new double[counts.length];
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] < 0) {
        throw new IllegalArgumentException("bin " + b + " has a negative count " + counts[b]);
      }
      midpoints[b] = (b + 0.5) / counts.length;
    }
    return fromSorted(midpoints, counts, threshold);
  }

  /** The bin of {@code probability} in a histogram of {@code bins} equal-width bins over [0, 1]. */
  public static int bin(double probability, int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, got " + bins);
    }
    checkProbability(probability, "probability");
    return Math.min(bins - 1, (int) (probability * bins));
  }

  private static Estimate fromSorted(double[] scores, long[] weights, double threshold) {
    double tp = 0;
    double fp = 0;
    double fn = 0;
    double tn = 0;
    double confidence = 0;
    long rows = 0;
    // Weighted Mann-Whitney over groups of equal scores: a positive weight beats the negative
    // weight
    // below it and ties with the negative weight at its own score for one half.
    double pairs = 0;
    double negativesBelow = 0;
    int i = 0;
    while (i < scores.length) {
      double score = scores[i];
      double positive = 0;
      double negative = 0;
      while (i < scores.length && scores[i] == score) {
        positive += weights[i] * score;
        negative += weights[i] * (1 - score);
        rows += weights[i];
        i++;
      }
      if (score > threshold) {
        tp += positive;
        fp += negative;
        confidence += positive;
      } else {
        fn += positive;
        tn += negative;
        confidence += negative;
      }
      pairs += positive * (negativesBelow + negative / 2);
      negativesBelow += negative;
    }
    if (rows == 0) {
      MetricValue none = MetricValue.undefined("no rows");
      return new Estimate(0, 0, 0, 0, 0, none, none, none, none, none, none);
    }
    double positives = tp + fn;
    double negatives = fp + tn;
    MetricValue precision =
        tp + fp == 0
            ? MetricValue.undefined("no row predicted positive")
            : MetricValue.of(tp / (tp + fp));
    MetricValue recall =
        positives == 0
            ? MetricValue.undefined("no positives expected")
            : MetricValue.of(tp / positives);
    MetricValue f1 =
        2 * tp + fp + fn == 0
            ? MetricValue.undefined("no positives expected or predicted")
            : MetricValue.of(2 * tp / (2 * tp + fp + fn));
    MetricValue auc =
        positives == 0 || negatives == 0
            ? MetricValue.undefined("all expected weight on one class")
            : MetricValue.of(pairs / (positives * negatives));
    return new Estimate(
        rows,
        tp,
        fp,
        fn,
        tn,
        MetricValue.of((tp + tn) / rows),
        precision,
        recall,
        f1,
        auc,
        MetricValue.of(confidence / rows));
  }

  /**
   * The points of an estimate: {@link MonitorMetric#ESTIMATED_ACCURACY}, precision, recall, F1, ROC
   * AUC and {@link MonitorMetric#MEAN_CONFIDENCE}, leaving out undefined ones.
   */
  public static List<MetricPoint> points(FigureScope scope, Estimate estimate) {
    requireNonNull(scope, "scope is null");
    requireNonNull(estimate, "estimate is null");
    List<MetricPoint> points = new ArrayList<>();
    add(points, scope, MonitorMetric.ESTIMATED_ACCURACY, estimate.accuracy(), estimate.rows());
    add(points, scope, MonitorMetric.ESTIMATED_PRECISION, estimate.precision(), estimate.rows());
    add(points, scope, MonitorMetric.ESTIMATED_RECALL, estimate.recall(), estimate.rows());
    add(points, scope, MonitorMetric.ESTIMATED_F1, estimate.f1(), estimate.rows());
    add(points, scope, MonitorMetric.ESTIMATED_ROC_AUC, estimate.rocAuc(), estimate.rows());
    add(points, scope, MonitorMetric.MEAN_CONFIDENCE, estimate.meanConfidence(), estimate.rows());
    return points;
  }

  static void add(
      List<MetricPoint> points,
      FigureScope scope,
      MonitorMetric metric,
      MetricValue value,
      long count) {
    if (value.isDefined() && Double.isFinite(value.value())) {
      points.add(scope.point(metric, "", value.value(), count));
    }
  }

  static void checkProbability(double p, String what) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " must be in [0, 1], got " + p);
    }
  }
}
