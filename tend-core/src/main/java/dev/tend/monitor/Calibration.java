package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * An isotonic calibration map from a classifier's scores to probabilities, fitted on labelled
 * reference scores by pooling adjacent violators, as scikit-learn's {@code
 * IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip")}: equal scores are first averaged, the
 * fitted steps are joined by straight lines, and scores outside the fitted range take the nearest
 * end's value. CBPE needs calibrated probabilities ({@link Cbpe}). Immutable and thread-safe.
 */
public final class Calibration {
  private final double[] scores;
  private final double[] probabilities;

  private Calibration(double[] scores, double[] probabilities) {
    this.scores = scores;
    this.probabilities = probabilities;
  }

  /**
   * Fits the map.
   *
   * @param scores the reference rows' scores
   * @param labels whether each reference row was positive
   */
  public static Calibration fit(double[] scores, boolean[] labels) {
    requireNonNull(scores, "scores is null");
    requireNonNull(labels, "labels is null");
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + labels.length + " labels; expected one label per score");
    }
    if (scores.length == 0) {
      throw new IllegalArgumentException("calibration needs at least one labelled score");
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      if (!Double.isFinite(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is not finite: " + scores[i]);
      }
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    // Blocks of the pool: unique score, mean label, weight.
    double[] x = new double[scores.length];
    double[] y = new double[scores.length];
    double[] w = new double[scores.length];
    int unique = 0;
    for (int k = 0; k < order.length; ) {
      double score = scores[order[k]];
      double positives = 0;
      int n = 0;
      while (k < order.length && scores[order[k]] == score) {
        positives += labels[order[k]] ? 1 : 0;
        n++;
        k++;
      }
      x[unique] = score;
      y[unique] = positives / n;
      w[unique] = n;
      unique++;
    }
    double[] fitted = pool(Arrays.copyOf(y, unique), Arrays.copyOf(w, unique));
    return new Calibration(Arrays.copyOf(x, unique), fitted);
  }

  /** Pool adjacent violators: the non-decreasing sequence nearest to {@code y} in weighted L2. */
  private static double[] pool(double[] y, double[] w) {
    int n = y.length;
    double[] value = new double[n];
    double[] weight = new double[n];
    int[] end = new int[n];
    int blocks = 0;
    for (int i = 0; i < n; i++) {
      value[blocks] = y[i];
      weight[blocks] = w[i];
      end[blocks] = i;
      blocks++;
      while (blocks > 1 && value[blocks - 2] >= value[blocks - 1]) {
        double total = weight[blocks - 2] + weight[blocks - 1];
        value[blocks - 2] =
            (value[blocks - 2] * weight[blocks - 2] + value[blocks - 1] * weight[blocks - 1])
                / total;
        weight[blocks - 2] = total;
        end[blocks - 2] = end[blocks - 1];
        blocks--;
      }
    }
    double[] fitted = new double[n];
    int start = 0;
    for (int b = 0; b < blocks; b++) {
      Arrays.fill(fitted, start, end[b] + 1, Math.max(0, Math.min(1, value[b])));
      start = end[b] + 1;
    }
    return fitted;
  }

  /** The calibrated probability of {@code score}. */
  public double apply(double score) {
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("score is NaN");
    }
    if (score <= scores[0]) {
      return probabilities[0];
    }
    int last = scores.length - 1;
    if (score >= scores[last]) {
      return probabilities[last];
    }
    int i = Arrays.binarySearch(scores, score);
    if (i >= 0) {
      return probabilities[i];
    }
    int hi = -i - 1;
    int lo = hi - 1;
    double t = (score - scores[lo]) / (scores[hi] - scores[lo]);
    return probabilities[lo] + t * (probabilities[hi] - probabilities[lo]);
  }

  /** The calibrated probabilities of {@code scores}. */
  public double[] apply(double[] scores) {
    requireNonNull(scores, "scores is null");
    double[] out = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      out[i] = apply(scores[i]);
    }
    return out;
  }

  /**
   * The confidence distribution: how many of {@code probabilities} have their predicted class's
   * probability ({@code p} when {@code p} exceeds the threshold, else {@code 1 - p}) in each of
   * {@code bins} equal-width bins over [0, 1].
   */
  public static long[] confidenceHistogram(double[] probabilities, double threshold, int bins) {
    requireNonNull(probabilities, "probabilities is null");
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be >= 1, got " + bins);
    }
    long[] counts = new long[bins];
    Cbpe.checkProbability(threshold, "threshold");
    for (double p : probabilities) {
      counts[Cbpe.bin(p > threshold ? p : 1 - p, bins)]++;
    }
    return counts;
  }
}
