package dev.tend.evaluation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reliability bins of predicted probabilities against binary outcomes, as scikit-learn's {@code
 * calibration_curve(strategy="uniform")}: {@code n} bins of equal width over [0, 1], the first
 * closed {@code [0, 1/n]} and the others left-open {@code (k/n, (k+1)/n]}. Mergeable: bins of the
 * same count add up.
 *
 * <p>Not thread-safe.
 */
public final class CalibrationBins {
  private final long[] counts;
  private final long[] positives;
  private final double[] probabilitySums;

  private CalibrationBins(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("calibration needs at least 1 bin: " + bins);
    }
    counts = new long[bins];
    positives = new long[bins];
    probabilitySums = new double[bins];
  }

  public static CalibrationBins create(int bins) {
    return new CalibrationBins(bins);
  }

  public void add(boolean actual, double probability) {
    Checks.probability(probability);
    int bin = bin(probability);
    counts[bin]++;
    probabilitySums[bin] += probability;
    if (actual) {
      positives[bin]++;
    }
  }

  public void merge(CalibrationBins other) {
    if (other.bins() != bins()) {
      throw new IllegalArgumentException(
          "cannot merge " + other.bins() + " calibration bins into " + bins());
    }
    for (int b = 0; b < bins(); b++) {
      counts[b] += other.counts[b];
      positives[b] += other.positives[b];
      probabilitySums[b] += other.probabilitySums[b];
    }
  }

  public int bins() {
    return counts.length;
  }

  /*
   * numpy's searchsorted(edges[1:-1], p, side="left"): the number of interior edges below p, with
   * edges k * (1.0 / n) as numpy.linspace computes them.
   */
  private int bin(double probability) {
    int n = bins();
    double step = 1.0 / n;
    int bin = Math.min(n - 1, (int) (probability * n));
    while (bin > 0 && probability <= bin * step) {
      bin--;
    }
    while (bin < n - 1 && probability > (bin + 1) * step) {
      bin++;
    }
    return bin;
  }

  /** The non-empty bins, lowest first (scikit-learn also leaves empty bins out). */
  public List<Bin> curve() {
    List<Bin> curve = new ArrayList<>();
    double step = 1.0 / bins();
    for (int b = 0; b < bins(); b++) {
      if (counts[b] > 0) {
        curve.add(
            new Bin(
                b * step,
                b == bins() - 1 ? 1.0 : (b + 1) * step,
                counts[b],
                probabilitySums[b] / counts[b],
                (double) positives[b] / counts[b]));
      }
    }
    return List.copyOf(curve);
  }

  /**
   * Expected calibration error: {@code sum over bins of count/total * |mean predicted - fraction
   * positive|}; undefined when there are no rows.
   */
  public MetricValue expectedCalibrationError() {
    long total = Arrays.stream(counts).sum();
    if (total == 0) {
      return MetricValue.undefined("no rows");
    }
    double sum = 0;
    for (int b = 0; b < bins(); b++) {
      if (counts[b] > 0) {
        sum += Math.abs(probabilitySums[b] - positives[b]) / total;
      }
    }
    return MetricValue.of(sum);
  }

  /**
   * One reliability bin.
   *
   * @param lower lower edge
   * @param upper upper edge
   * @param count rows whose probability falls in the bin
   * @param meanPredicted mean predicted probability (scikit-learn's {@code prob_pred})
   * @param fractionPositive share of positive rows (scikit-learn's {@code prob_true})
   */
  public record Bin(
      double lower, double upper, long count, double meanPredicted, double fractionPositive) {}
}
