package dev.tend.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Wall times of named variants across repetitions, reported as medians. Not thread-safe. */
final class Timings {
  private final Map<String, List<Double>> seconds = new LinkedHashMap<>();

  void add(String variant, double secondsTaken) {
    seconds.computeIfAbsent(variant, v -> new ArrayList<>()).add(secondsTaken);
  }

  double median(String variant) {
    List<Double> values = seconds.get(variant);
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("no timings for " + variant);
    }
    return median(values);
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * The median over repetitions of {@code variant}'s time divided by {@code baseline}'s time in the
   * same repetition; steadier than a ratio of medians when the machine's load drifts.
   */
  double pairedRatio(String variant, String baseline) {
    List<Double> values = seconds.get(variant);
    List<Double> base = seconds.get(baseline);
    List<Double> ratios = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      ratios.add(values.get(i) / base.get(i));
    }
    return median(ratios);
  }

  /** One line per variant: median, min and max seconds, and every repetition. */
  String table() {
    StringBuilder out = new StringBuilder();
    seconds.forEach(
        (variant, values) ->
            out.append(
                String.format(
                    Locale.ROOT,
                    "  %-38s median %7.3f s  min %7.3f  max %7.3f  runs %s%n",
                    variant,
                    median(values),
                    values.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                    values.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
                    values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList())));
    return out.toString();
  }

  /** Seconds taken by {@code action}. */
  static double time(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return (System.nanoTime() - start) / 1e9;
  }
}
