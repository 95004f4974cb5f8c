package dev.tend.drift;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Population Stability Index: {@code sum((c - r) * ln(c / r))} over bins, with bins at the
 * reference's quantiles for numbers and one bin per category otherwise. Empty bins take the
 * proportion {@link #EPSILON} (without renormalising), as common implementations do.
 */
public final class Psi {
  /** Proportion given to an empty bin so the logarithm stays finite. */
  public static final double EPSILON = 1e-4;

  private Psi() {}

  /** PSI over {@code bins} reference-quantile bins (numpy's linear quantiles) of exact samples. */
  public static double of(double[] reference, double[] current, int bins) {
    return ofEcdfs(Ecdf.of(reference, "reference"), Ecdf.of(current, "current"), bins);
  }

  /** PSI over {@code bins} bins at the reference sketch's quantiles; approximate. */
  public static double of(KllDoublesSketch reference, KllDoublesSketch current, int bins) {
    return ofEcdfs(Ecdf.of(reference, "reference"), Ecdf.of(current, "current"), bins);
  }

  /** PSI over the union of categories; a category missing on one side counts as empty there. */
  public static double of(Map<String, Long> reference, Map<String, Long> current) {
    Binning.Aligned aligned = Binning.align(reference, current);
    return fromProportions(
        Binning.toProportions(aligned.reference()), Binning.toProportions(aligned.current()));
  }

  static double ofEcdfs(Ecdf reference, Ecdf current, int bins) {
    double[] edges = Binning.referenceEdges(reference, bins);
    return fromProportions(
        Binning.proportions(reference, edges), Binning.proportions(current, edges));
  }

  /** PSI of two aligned proportion vectors, each summing to one. */
  public static double fromProportions(double[] reference, double[] current) {
    requireNonNull(reference, "reference is null");
    requireNonNull(current, "current is null");
    if (reference.length != current.length || reference.length == 0) {
      throw new IllegalArgumentException(
          "proportion vectors must be non-empty and of equal length, were "
              + reference.length
              + " and "
              + current.length);
    }
    CompensatedSum sum = new CompensatedSum();
    for (int i = 0; i < reference.length; i++) {
      double r = reference[i] == 0.0 ? EPSILON : reference[i];
      double c = current[i] == 0.0 ? EPSILON : current[i];
      sum.add((c - r) * Math.log(c / r));
    }
    return Math.max(0.0, sum.value());
  }
}
