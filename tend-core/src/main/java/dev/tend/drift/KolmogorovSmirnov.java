package dev.tend.drift;

import static java.util.Objects.requireNonNull;

import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Two-sided two-sample Kolmogorov-Smirnov test, matching scipy's {@code ks_2samp}: D is the largest
 * gap between the two empirical CDFs; the p-value is exact for samples of at most {@value
 * #MAX_EXACT_N} values and otherwise uses the one-sample Kolmogorov distribution at the effective
 * size {@code round(n1 n2 / (n1 + n2))}, rounded half to even like numpy. Where that rounds to 0
 * (one value on each side) scipy returns NaN; here the size is raised to 1 so the p-value stays a
 * probability.
 */
public final class KolmogorovSmirnov {
  /** Largest sample size for which {@link Method#AUTO} computes the exact p-value. */
  public static final int MAX_EXACT_N = 10_000;

  /** How the p-value is computed, as scipy's {@code method} argument. */
  public enum Method {
    /** Exact up to {@value KolmogorovSmirnov#MAX_EXACT_N} values per sample, else asymptotic. */
    AUTO,
    /** Exact lattice-path probability, falling back to asymptotic where doubles overflow. */
    EXACT,
    /** One-sample Kolmogorov distribution at the effective sample size. */
    ASYMPTOTIC
  }

  private KolmogorovSmirnov() {}

  /** Test exact samples with {@link Method#AUTO}. */
  public static TestOutcome test(double[] reference, double[] current) {
    return test(reference, current, Method.AUTO);
  }

  /** Test exact samples with the given p-value method. */
  public static TestOutcome test(double[] reference, double[] current, Method method) {
    requireNonNull(method, "method is null");
    Ecdf.Sample a = (Ecdf.Sample) Ecdf.of(reference, "reference");
    Ecdf.Sample b = (Ecdf.Sample) Ecdf.of(current, "current");
    double[] x = a.sorted();
    double[] y = b.sorted();
    int n1 = x.length;
    int n2 = y.length;
    long maxGap = 0;
    double d = 0.0;
    int i = 0;
    int j = 0;
    while (i < n1 || j < n2) {
      double v = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
      while (i < n1 && x[i] <= v) {
        i++;
      }
      while (j < n2 && y[j] <= v) {
        j++;
      }
      maxGap = Math.max(maxGap, Math.abs((long) i * n2 - (long) j * n1));
      d = Math.max(d, Math.abs((double) i / n1 - (double) j / n2));
    }
    boolean exact =
        switch (method) {
          case AUTO -> Math.max(n1, n2) <= MAX_EXACT_N;
          case EXACT -> true;
          case ASYMPTOTIC -> false;
        };
    if (exact) {
      int g = KolmogorovDistribution.gcd(n1, n2);
      long h = maxGap / g;
      double lcm = (double) (n1 / g) * n2;
      double p = KolmogorovDistribution.twoSampleExactSf(n1, n2, h);
      if (!Double.isNaN(p)) {
        return new TestOutcome(h / lcm, p, true);
      }
      d = h / lcm;
    }
    return new TestOutcome(d, asymptoticP(d, n1, n2), true);
  }

  /**
   * Test two sketches: D is the largest CDF gap over the union of both sketches' retained items,
   * within about the sum of their normalized rank errors of the exact D, and the p-value is the
   * asymptotic one at the effective size.
   */
  public static TestOutcome test(KllDoublesSketch reference, KllDoublesSketch current) {
    Ecdf a = Ecdf.of(reference, "reference");
    Ecdf b = Ecdf.of(current, "current");
    double d = Math.max(maxGap(a, b, a.support()), maxGap(a, b, b.support()));
    return new TestOutcome(d, asymptoticP(d, a.count(), b.count()), false);
  }

  private static double maxGap(Ecdf a, Ecdf b, double[] points) {
    double gap = 0.0;
    for (double point : points) {
      gap = Math.max(gap, Math.abs(a.cdf(point) - b.cdf(point)));
    }
    return Math.min(1.0, gap);
  }

  private static double asymptoticP(double d, long n1, long n2) {
    double m = Math.max(n1, n2);
    double n = Math.min(n1, n2);
    double en = m * n / (m + n);
    return KolmogorovDistribution.oneSampleSf(d, Math.max(1L, (long) Math.rint(en)));
  }
}
