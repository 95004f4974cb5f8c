package dev.tend.evaluation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Metrics per segment: rows grouped by the value of a categorical column, each group evaluated
 * exactly. Segments named in {@code expected} but without rows are reported with every metric
 * undefined ("no rows"), so a segment that vanished from the data stays visible. Rows whose segment
 * value is null fall in the segment {@link #MISSING}.
 */
public final class Segments {
  /** Name of the segment of rows whose segment value is missing. */
  public static final String MISSING = "(missing)";

  private Segments() {}

  /** Binary metrics per segment, ordered by segment name. */
  public static Map<String, BinaryMetrics> binary(
      String[] segments,
      boolean[] actual,
      double[] probabilities,
      double threshold,
      int calibrationBins,
      Collection<String> expected) {
    Checks.sameLength(actual.length, segments.length, "segments");
    Checks.sameLength(actual.length, probabilities.length, "probabilities");
    Map<String, BinaryMetrics> result = new TreeMap<>();
    for (Map.Entry<String, List<Integer>> group : groups(segments, expected).entrySet()) {
      List<Integer> rows = group.getValue();
      boolean[] a = new boolean[rows.size()];
      double[] p = new double[rows.size()];
      for (int k = 0; k < rows.size(); k++) {
        a[k] = actual[rows.get(k)];
        p[k] = probabilities[rows.get(k)];
      }
      result.put(group.getKey(), BinaryEvaluation.evaluate(a, p, threshold, calibrationBins));
    }
    return result;
  }

  /** Regression metrics per segment, ordered by segment name. */
  public static Map<String, RegressionMetrics> regression(
      String[] segments, double[] actual, double[] predicted, Collection<String> expected) {
    Checks.sameLength(actual.length, segments.length, "segments");
    Checks.sameLength(actual.length, predicted.length, "predictions");
    Map<String, RegressionMetrics> result = new TreeMap<>();
    for (Map.Entry<String, List<Integer>> group : groups(segments, expected).entrySet()) {
      RegressionAccumulator accumulator = RegressionAccumulator.create();
      for (int row : group.getValue()) {
        accumulator.add(actual[row], predicted[row]);
      }
      result.put(group.getKey(), accumulator.metrics());
    }
    return result;
  }

  private static Map<String, List<Integer>> groups(String[] segments, Collection<String> expected) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (String name : expected) {
      groups.put(name == null ? MISSING : name, new ArrayList<>());
    }
    for (int i = 0; i < segments.length; i++) {
      String name = segments[i] == null ? MISSING : segments[i];
      groups.computeIfAbsent(name, k -> new ArrayList<>()).add(i);
    }
    return groups;
  }
}
