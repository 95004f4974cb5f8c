package dev.tend.drift;

import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Wasserstein-1 (earth mover's) distance between two one-dimensional distributions, the integral of
 * {@code |F_ref(x) - F_cur(x)|}, as scipy's {@code wasserstein_distance} on samples. The normalized
 * variant divides by the reference's population standard deviation so it reads in reference
 * standard deviations; a constant reference gives 0 when the distance is 0 and positive infinity
 * otherwise.
 */
public final class Wasserstein {
  private Wasserstein() {}

  /** Distance between exact samples. */
  public static double distance(double[] reference, double[] current) {
    return distance(Ecdf.of(reference, "reference"), Ecdf.of(current, "current"));
  }

  /** Distance between sketches, integrating over the union of retained items; approximate. */
  public static double distance(KllDoublesSketch reference, KllDoublesSketch current) {
    return distance(Ecdf.of(reference, "reference"), Ecdf.of(current, "current"));
  }

  /** Distance in units of the reference sample's standard deviation. */
  public static double normalized(double[] reference, double[] current) {
    return normalized(Ecdf.of(reference, "reference"), Ecdf.of(current, "current"));
  }

  /** Distance in units of the reference sketch's (weighted retained-item) standard deviation. */
  public static double normalized(KllDoublesSketch reference, KllDoublesSketch current) {
    return normalized(Ecdf.of(reference, "reference"), Ecdf.of(current, "current"));
  }

  static double normalized(Ecdf reference, Ecdf current) {
    return normalize(distance(reference, current), reference.standardDeviation());
  }

  static double normalize(double distance, double scale) {
    if (scale > 0) {
      return distance / scale;
    }
    return distance == 0.0 ? 0.0 : Double.POSITIVE_INFINITY;
  }

  static double distance(Ecdf u, Ecdf v) {
    double[] a = u.support();
    double[] b = v.support();
    double[] all = new double[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    Arrays.sort(all);
    CompensatedSum sum = new CompensatedSum();
    for (int i = 0; i + 1 < all.length; i++) {
      double delta = all[i + 1] - all[i];
      if (delta > 0) {
        sum.add(Math.abs(u.cdf(all[i]) - v.cdf(all[i])) * delta);
      }
    }
    return sum.value();
  }
}
