package dev.tend.evaluation;

import java.util.Arrays;

/**
 * Exact ranking metrics of scores against binary labels: ROC AUC and average precision (PR AUC),
 * computed as scikit-learn does. Rows are sorted by score, rows of equal score form one threshold
 * (so a tie between a positive and a negative counts half in ROC AUC), and the ROC curve is
 * integrated with the trapezoidal rule.
 *
 * <p>Needs every score: {@link ScoreHistogram} is the mergeable approximation for monitoring.
 */
public final class Ranking {
  private Ranking() {}

  /**
   * Area under the ROC curve; undefined when only one class is present or there are no rows.
   *
   * @throws IllegalArgumentException if the lengths differ or a score is not finite
   */
  public static MetricValue rocAuc(boolean[] actual, double[] scores) {
    Curve curve = curve(actual, scores);
    if (curve.positives == 0 || curve.negatives == 0) {
      return MetricValue.undefined(oneClassReason(curve));
    }
    double area = 0;
    double previousFpr = 0;
    double previousTpr = 0;
    for (int k = 0; k < curve.size; k++) {
      double fpr = curve.falsePositives[k] / curve.negatives;
      double tpr = curve.truePositives[k] / curve.positives;
      area += (fpr - previousFpr) * (tpr + previousTpr) / 2;
      previousFpr = fpr;
      previousTpr = tpr;
    }
    return MetricValue.of(area);
  }

  /**
   * Average precision, {@code sum over thresholds of (R_k - R_{k-1}) * P_k} from the highest score
   * down, as scikit-learn's {@code average_precision_score} (no interpolation); undefined when no
   * row is positive.
   */
  public static MetricValue averagePrecision(boolean[] actual, double[] scores) {
    Curve curve = curve(actual, scores);
    if (curve.positives == 0) {
      return MetricValue.undefined(curve.size == 0 ? "no rows" : "no positive rows");
    }
    double sum = 0;
    double previousRecall = 0;
    for (int k = 0; k < curve.size; k++) {
      double tp = curve.truePositives[k];
      double recall = tp / curve.positives;
      double precision = tp / (tp + curve.falsePositives[k]);
      sum += (recall - previousRecall) * precision;
      previousRecall = recall;
    }
    return MetricValue.of(sum);
  }

  private static String oneClassReason(Curve curve) {
    if (curve.size == 0) {
      return "no rows";
    }
    return curve.positives == 0 ? "only negative rows" : "only positive rows";
  }

  /*
   * Cumulative true and false positive counts at each distinct score, from the highest down:
   * scikit-learn's _binary_clf_curve.
   */
  private record Curve(
      double[] truePositives, double[] falsePositives, int size, long positives, long negatives) {}

  private static Curve curve(boolean[] actual, double[] scores) {
    Checks.sameLength(actual.length, scores.length, "scores");
    int n = scores.length;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      Checks.finite(scores[i], "a score");
      if (actual[i]) {
        positives++;
      }
    }
    double[] pos = new double[positives];
    double[] neg = new double[n - positives];
    for (int i = 0, p = 0, q = 0; i < n; i++) {
      if (actual[i]) {
        pos[p++] = scores[i];
      } else {
        neg[q++] = scores[i];
      }
    }
    Arrays.sort(pos);
    Arrays.sort(neg);
    double[] tps = new double[n];
    double[] fps = new double[n];
    int size = 0;
    int p = pos.length - 1;
    int q = neg.length - 1;
    while (p >= 0 || q >= 0) {
      double threshold = p < 0 ? neg[q] : q < 0 ? pos[p] : Math.max(pos[p], neg[q]);
      while (p >= 0 && pos[p] == threshold) {
        p--;
      }
      while (q >= 0 && neg[q] == threshold) {
        q--;
      }
      tps[size] = pos.length - 1 - p;
      fps[size] = neg.length - 1 - q;
      size++;
    }
    return new Curve(tps, fps, size, pos.length, neg.length);
  }
}
