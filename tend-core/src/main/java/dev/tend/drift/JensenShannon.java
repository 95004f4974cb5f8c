package dev.tend.drift;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Jensen-Shannon distance with base-2 logarithms, in [0, 1]: the square root of the mean
 * Kullback-Leibler divergence of each distribution from their midpoint, as scipy's {@code
 * jensenshannon(p, q, base=2)}. Numbers are binned at the reference's quantiles like {@link Psi}.
 */
public final class JensenShannon {
  private JensenShannon() {}

  /** Distance over {@code bins} reference-quantile bins of exact samples. */
  public static double of(double[] reference, double[] current, int bins) {
    return ofEcdfs(Ecdf.of(reference, "reference"), Ecdf.of(current, "current"), bins);
  }

  /** Distance over {@code bins} bins at the reference sketch's quantiles; approximate. */
  public static double of(KllDoublesSketch reference, KllDoublesSketch current, int bins) {
    return ofEcdfs(Ecdf.of(reference, "reference"), Ecdf.of(current, "current"), bins);
  }

  /** Distance over the union of categories. */
  public static double of(Map<String, Long> reference, Map<String, Long> current) {
    Binning.Aligned aligned = Binning.align(reference, current);
    return distance(
        Binning.toProportions(aligned.reference()), Binning.toProportions(aligned.current()));
  }

  static double ofEcdfs(Ecdf reference, Ecdf current, int bins) {
    double[] edges = Binning.referenceEdges(reference, bins);
    return distance(Binning.proportions(reference, edges), Binning.proportions(current, edges));
  }

  /** Distance between two non-negative weight vectors, each normalised to sum to one first. */
  public static double distance(double[] p, double[] q) {
    requireNonNull(p, "p is null");
    requireNonNull(q, "q is null");
    if (p.length != q.length || p.length == 0) {
      throw new IllegalArgumentException(
          "weight vectors must be non-empty and of equal length, were "
              + p.length
              + " and "
              + q.length);
    }
    double pTotal = total(p, "p");
    double qTotal = total(q, "q");
    CompensatedSum left = new CompensatedSum();
    CompensatedSum right = new CompensatedSum();
    for (int i = 0; i < p.length; i++) {
      double pi = p[i] / pTotal;
      double qi = q[i] / qTotal;
      double m = (pi + qi) / 2.0;
      left.add(relativeEntropy(pi, m));
      right.add(relativeEntropy(qi, m));
    }
    double js = (left.value() + right.value()) / Math.log(2.0);
    return Math.min(1.0, Math.sqrt(Math.max(0.0, js / 2.0)));
  }

  private static double relativeEntropy(double x, double y) {
    return x > 0 ? x * Math.log(x / y) : 0.0;
  }

  private static double total(double[] weights, String name) {
    CompensatedSum sum = new CompensatedSum();
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException(
            name + "[" + i + "] must be finite and >= 0, was " + weights[i]);
      }
      sum.add(weights[i]);
    }
    if (sum.value() == 0.0) {
      throw new IllegalArgumentException(name + " has no weight; it must sum to more than zero");
    }
    return sum.value();
  }
}
