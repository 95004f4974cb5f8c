package dev.tend.server.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.feedback.Feedback;
import dev.tend.monitor.FigureScope;
import dev.tend.monitor.Intervals;
import dev.tend.monitor.LabelledFigures;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.server.feedback.LabelledPrediction;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The figures of one window that need its predictions joined with their feedback: realised
 * performance and label coverage ({@link LabelledFigures}) of binary and multiclass classifiers and
 * regressions, and business outcomes with their confidence intervals ({@link Intervals}): the share
 * of true for a boolean outcome, the mean for a numeric one, over the predictions that have the
 * outcome. Per model version, for all versions, and per segment. Mutable and not thread-safe: add
 * the window's predictions, then take the points.
 */
final class LabelledWindow {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A group's labelled rows and outcomes. */
  private static final class Group {
    final List<Boolean> actual = new ArrayList<>();
    final List<Double> probabilities = new ArrayList<>();
    final List<Double> actualValues = new ArrayList<>();
    final List<Double> predictedValues = new ArrayList<>();
    final List<String> classes = new ArrayList<>();
    final List<Integer> actualClasses = new ArrayList<>();
    final List<double[]> classProbabilities = new ArrayList<>();
    final Map<String, double[]> outcomes = new TreeMap<>();
    final Map<String, boolean[]> numeric = new TreeMap<>();
  }

  /** Scores and labels of a binary classifier's labelled predictions, for calibration. */
  record Sample(double[] scores, boolean[] labels) {}

  private record GroupKey(String version, String segment) {}

  private final String deployment;
  private final Instant start;
  private final Instant end;
  private final Function<LabelledPrediction, String> versionOf;
  private final Function<LabelledPrediction, Optional<String>> segmentOf;
  private final Map<GroupKey, Group> groups = new LinkedHashMap<>();

  /**
   * @param versionOf the model version key of a prediction
   * @param segmentOf the segment ({@code column=value}) of a prediction, when segmented
   */
  LabelledWindow(
      String deployment,
      Instant start,
      Instant end,
      Function<LabelledPrediction, String> versionOf,
      Function<LabelledPrediction, Optional<String>> segmentOf) {
    this.deployment = deployment;
    this.start = start;
    this.end = end;
    this.versionOf = versionOf;
    this.segmentOf = segmentOf;
  }

  void add(LabelledPrediction p) {
    if (p.label().isEmpty() && p.outcomes().isEmpty()) {
      return;
    }
    JsonNode outputs;
    try {
      outputs = JSON.readTree(p.prediction().outputs());
    } catch (IOException e) {
      return; // a record whose outputs do not parse has no labelled figures
    }
    Optional<String> segment = segmentOf.apply(p);
    List<String> versions =
        MonitorRunner.isShadow(p.prediction())
            ? List.of(versionOf.apply(p))
            : List.of(versionOf.apply(p), MetricPoint.ALL_VERSIONS);
    for (String version : versions) {
      add(new GroupKey(version, MetricPoint.ALL_ROWS), p, outputs);
      if (segment.isPresent()) {
        add(new GroupKey(version, segment.get()), p, outputs);
      }
    }
  }

  private void add(GroupKey key, LabelledPrediction p, JsonNode outputs) {
    Group group = groups.computeIfAbsent(key, k -> new Group());
    if (p.label().isPresent()) {
      JsonNode label = parse(p.label().get());
      JsonNode probability = outputs.path("probability");
      JsonNode value = outputs.isNumber() ? outputs : outputs.path("value");
      if (probability.isNumber()) {
        Optional<Boolean> positive = positive(label, outputs, probability.doubleValue());
        if (positive.isPresent()) {
          group.actual.add(positive.get());
          group.probabilities.add(probability.doubleValue());
        }
      } else if (outputs.isObject() && outputs.has("label") && !label.isNull()) {
        multiclass(group, label.asText(), outputs);
      } else if (value.isNumber() && label.isNumber()) {
        group.actualValues.add(label.doubleValue());
        group.predictedValues.add(value.doubleValue());
      }
    }
    p.outcomes()
        .forEach(
            (name, f) -> {
              JsonNode v = parse(f);
              if (v.isBoolean() || v.isNumber()) {
                double x = v.isBoolean() ? (v.booleanValue() ? 1 : 0) : v.doubleValue();
                double[] acc = group.outcomes.computeIfAbsent(name, n -> new double[3]);
                acc[0]++;
                acc[1] += x;
                acc[2] += x * x;
                boolean[] kind = group.numeric.computeIfAbsent(name, n -> new boolean[] {false});
                kind[0] |= v.isNumber();
              }
            });
  }

  /*
   * A multiclass prediction: outputs name the label and one probability_<class> per class, the
   * same classes on every row of a version (a row naming others, or a label no class names, is
   * left out).
   */
  private static void multiclass(Group group, String label, JsonNode outputs) {
    List<String> classes = new ArrayList<>();
    outputs
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (name.startsWith("probability_") && outputs.get(name).isNumber()) {
                classes.add(name.substring("probability_".length()));
              }
            });
    if (classes.size() < 2) {
      return;
    }
    classes.sort(null);
    if (group.classes.isEmpty()) {
      group.classes.addAll(classes);
    } else if (!group.classes.equals(classes)) {
      return;
    }
    int actual = classes.indexOf(label);
    if (actual < 0) {
      return;
    }
    double[] probabilities = new double[classes.size()];
    for (int i = 0; i < probabilities.length; i++) {
      probabilities[i] = outputs.get("probability_" + classes.get(i)).doubleValue();
    }
    group.actualClasses.add(actual);
    group.classProbabilities.add(probabilities);
  }

  /*
   * Whether a binary classifier's label is the positive class: true, 1, "true" or "1" are; false,
   * 0, "false" or "0" are not; another text is positive when it names the class the model
   * predicted at this row and that prediction was positive, or names another class while the
   * prediction was negative.
   */
  private static Optional<Boolean> positive(JsonNode label, JsonNode outputs, double probability) {
    if (label.isBoolean()) {
      return Optional.of(label.booleanValue());
    }
    if (label.isNumber()) {
      return Optional.of(label.doubleValue() != 0);
    }
    String text = label.asText();
    if (text.equals("true") || text.equals("1")) {
      return Optional.of(true);
    }
    if (text.equals("false") || text.equals("0")) {
      return Optional.of(false);
    }
    JsonNode predicted = outputs.path("label");
    if (predicted.isMissingNode() || predicted.isNull()) {
      return Optional.empty();
    }
    boolean predictedPositive = probability > SketchFigures.THRESHOLD;
    return Optional.of(text.equals(predicted.asText()) == predictedPositive);
  }

  private static JsonNode parse(Feedback f) {
    try {
      return JSON.readTree(f.value());
    } catch (IOException e) {
      return JSON.nullNode();
    }
  }

  /**
   * The points of every group that has labels or outcomes.
   *
   * @param windowRows rows of each version and segment's window, for the label coverage
   */
  List<MetricPoint> points(Map<String, Map<String, Long>> windowRows) {
    List<MetricPoint> points = new ArrayList<>();
    groups.forEach(
        (key, g) -> {
          FigureScope scope = new FigureScope(deployment, key.version(), key.segment(), start, end);
          long rows =
              windowRows.getOrDefault(key.version(), Map.of()).getOrDefault(key.segment(), 0L);
          if (!g.actual.isEmpty()) {
            boolean[] actual = new boolean[g.actual.size()];
            double[] probabilities = new double[actual.length];
            for (int i = 0; i < actual.length; i++) {
              actual[i] = g.actual.get(i);
              probabilities[i] = g.probabilities.get(i);
            }
            points.addAll(
                LabelledFigures.binary(
                    scope,
                    actual,
                    probabilities,
                    SketchFigures.THRESHOLD,
                    Math.max(rows, actual.length)));
          } else if (!g.actualClasses.isEmpty()) {
            int[] actual = g.actualClasses.stream().mapToInt(Integer::intValue).toArray();
            double[][] probabilities = g.classProbabilities.toArray(double[][]::new);
            points.addAll(
                LabelledFigures.multiclass(
                    scope, actual, probabilities, Math.max(rows, actual.length)));
          } else if (!g.actualValues.isEmpty()) {
            double[] actual = g.actualValues.stream().mapToDouble(Double::doubleValue).toArray();
            double[] predicted =
                g.predictedValues.stream().mapToDouble(Double::doubleValue).toArray();
            points.addAll(
                LabelledFigures.regression(
                    scope, actual, predicted, Math.max(rows, actual.length)));
          } else if (rows > 0) {
            points.add(scope.point(MonitorMetric.LABEL_COVERAGE, "", 0, 0));
          }
          g.outcomes.forEach(
              (name, acc) -> {
                long n = (long) acc[0];
                if (!g.numeric.get(name)[0]) {
                  points.add(Intervals.outcomeRate(scope, name, (long) acc[1], n));
                } else if (n >= 2) {
                  double mean = acc[1] / n;
                  double variance = Math.max(0, (acc[2] - n * mean * mean) / (n - 1));
                  points.add(Intervals.outcomeMean(scope, name, n, mean, Math.sqrt(variance)));
                }
              });
        });
    return points;
  }

  /** The binary scores and labels of a version's (or all versions') segment-less group. */
  Optional<Sample> sample(String version) {
    Group g = groups.get(new GroupKey(version, MetricPoint.ALL_ROWS));
    if (g == null || g.actual.isEmpty()) {
      return Optional.empty();
    }
    double[] scores = new double[g.actual.size()];
    boolean[] labels = new boolean[scores.length];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = g.probabilities.get(i);
      labels[i] = g.actual.get(i);
    }
    return Optional.of(new Sample(scores, labels));
  }
}
