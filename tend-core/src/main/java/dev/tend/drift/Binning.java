package dev.tend.drift;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns numeric distributions into bin proportions over reference-quantile edges, and category
 * counts into aligned proportions over the union of categories.
 */
final class Binning {
  private Binning() {}

  /**
   * Distinct edges at the reference's {@code i / bins} quantiles, {@code i = 1 .. bins-1}; bin
   * {@code i} holds values in {@code (edge[i-1], edge[i]]}, the first and last bins are open.
   */
  static double[] referenceEdges(Ecdf reference, int bins) {
    if (bins < 2) {
      throw new IllegalArgumentException("bins must be at least 2, was " + bins);
    }
    double[] edges = new double[bins - 1];
    for (int i = 1; i < bins; i++) {
      edges[i - 1] = reference.quantile((double) i / bins);
    }
    Arrays.sort(edges);
    return Arrays.stream(edges).distinct().toArray();
  }

  /** Proportion of the distribution in each bin defined by sorted {@code edges}. */
  static double[] proportions(Ecdf distribution, double[] edges) {
    double[] proportions = new double[edges.length + 1];
    if (distribution instanceof Ecdf.Sample sample) {
      int previous = 0;
      int n = sample.sorted().length;
      for (int i = 0; i < edges.length; i++) {
        int atMost = sample.countAtMost(edges[i]);
        proportions[i] = (double) (atMost - previous) / n;
        previous = atMost;
      }
      proportions[edges.length] = (double) (n - previous) / n;
      return proportions;
    }
    double previous = 0.0;
    for (int i = 0; i < edges.length; i++) {
      double cdf = distribution.cdf(edges[i]);
      proportions[i] = Math.max(0.0, cdf - previous);
      previous = cdf;
    }
    proportions[edges.length] = Math.max(0.0, 1.0 - previous);
    return proportions;
  }

  /** Counts of both maps aligned over the sorted union of their categories. */
  record Aligned(String[] categories, long[] reference, long[] current) {
    long referenceTotal() {
      return Arrays.stream(reference).sum();
    }

    long currentTotal() {
      return Arrays.stream(current).sum();
    }
  }

  static Aligned align(Map<String, Long> reference, Map<String, Long> current) {
    checkCounts(reference, "reference");
    checkCounts(current, "current");
    TreeSet<String> union = new TreeSet<>(reference.keySet());
    union.addAll(current.keySet());
    String[] categories = union.toArray(String[]::new);
    long[] ref = new long[categories.length];
    long[] cur = new long[categories.length];
    for (int i = 0; i < categories.length; i++) {
      ref[i] = reference.getOrDefault(categories[i], 0L);
      cur[i] = current.getOrDefault(categories[i], 0L);
    }
    return new Aligned(categories, ref, cur);
  }

  private static void checkCounts(Map<String, Long> counts, String role) {
    if (counts == null) {
      throw new IllegalArgumentException(role + " counts are null");
    }
    long total = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || e.getValue() < 0) {
        throw new IllegalArgumentException(
            role + " counts need a non-null category and a count >= 0, got " + e);
      }
      total = Math.addExact(total, e.getValue());
    }
    if (total == 0) {
      throw new IllegalArgumentException(
          role + " counts are empty; drift needs at least one value");
    }
  }

  static double[] toProportions(long[] counts) {
    long total = Arrays.stream(counts).sum();
    double[] p = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      p[i] = (double) counts[i] / total;
    }
    return p;
  }
}
