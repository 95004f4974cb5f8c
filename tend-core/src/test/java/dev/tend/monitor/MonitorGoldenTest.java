package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.evaluation.BinaryEvaluation;
import dev.tend.evaluation.BinaryMetrics;
import dev.tend.evaluation.MulticlassEvaluation;
import dev.tend.evaluation.MulticlassMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares the window figures with scikit-learn, scipy and an independent numpy CBPE on the cases
 * of golden/monitor_golden.json, written by golden/monitor_golden.py.
 */
class MonitorGoldenTest {
  private static final double TOLERANCE = 1e-9;
  static final FigureScope SCOPE =
      new FigureScope(
          "churn",
          "v1",
          "",
          Instant.parse("2026-01-01T00:00:00Z"),
          Instant.parse("2026-01-02T00:00:00Z"));

  static Stream<JsonNode> cases(String kind) throws IOException {
    try (InputStream in =
        MonitorGoldenTest.class.getResourceAsStream("/golden/monitor_golden.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<JsonNode> cases = new ArrayList<>();
      root.get("cases").forEach(cases::add);
      return cases.stream().filter(c -> c.get("kind").asText().equals(kind));
    }
  }

  static Stream<JsonNode> binary() throws IOException {
    return cases("binary");
  }

  static Stream<JsonNode> multiclass() throws IOException {
    return cases("multiclass");
  }

  static Stream<JsonNode> regression() throws IOException {
    return cases("regression");
  }

  static Stream<JsonNode> isotonic() throws IOException {
    return cases("isotonic");
  }

  static Stream<JsonNode> wilson() throws IOException {
    return cases("wilson");
  }

  static Stream<JsonNode> t() throws IOException {
    return cases("t");
  }

  static Stream<JsonNode> cbpe() throws IOException {
    return cases("cbpe");
  }

  static Stream<JsonNode> cbpeHistogram() throws IOException {
    return cases("cbpe_histogram");
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("binary")
  void labelledBinaryMatchesScikitLearn(JsonNode golden) {
    boolean[] labels = booleans(golden.get("labels"));
    double[] scores = doubles(golden.get("scores"));
    double threshold = golden.get("threshold").asDouble();
    Map<MonitorMetric, Double> points =
        byMetric(LabelledFigures.binary(SCOPE, labels, scores, threshold, labels.length * 2L));
    JsonNode e = golden.get("expected");
    assertThat(points.get(MonitorMetric.LABEL_COVERAGE)).isEqualTo(0.5);
    expect(points, e, MonitorMetric.ACCURACY, "accuracy");
    expect(points, e, MonitorMetric.PRECISION, "precision");
    expect(points, e, MonitorMetric.RECALL, "recall");
    expect(points, e, MonitorMetric.F1, "f1");
    expect(points, e, MonitorMetric.ROC_AUC, "roc_auc");
    expect(points, e, MonitorMetric.LOG_LOSS, "log_loss");
    BinaryMetrics m =
        BinaryEvaluation.evaluate(labels, scores, threshold, BinaryEvaluation.CALIBRATION_BINS);
    assertThat(m.confusion().counts()).isDeepEqualTo(longMatrix(e.get("confusion")));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("multiclass")
  void labelledMulticlassMatchesScikitLearn(JsonNode golden) {
    int[] labels = ints(golden.get("labels"));
    double[][] probabilities = new double[labels.length][];
    for (int i = 0; i < labels.length; i++) {
      probabilities[i] = doubles(golden.get("probabilities").get(i));
    }
    Map<MonitorMetric, Double> points =
        byMetric(LabelledFigures.multiclass(SCOPE, labels, probabilities, labels.length));
    JsonNode e = golden.get("expected");
    assertThat(points.get(MonitorMetric.LABEL_COVERAGE)).isEqualTo(1.0);
    expect(points, e, MonitorMetric.ACCURACY, "accuracy");
    expect(points, e, MonitorMetric.PRECISION, "precision");
    expect(points, e, MonitorMetric.RECALL, "recall");
    expect(points, e, MonitorMetric.F1, "f1");
    expect(points, e, MonitorMetric.ROC_AUC, "roc_auc");
    expect(points, e, MonitorMetric.LOG_LOSS, "log_loss");
    MulticlassMetrics m = MulticlassEvaluation.evaluate(labels, probabilities);
    assertThat(m.confusion().counts()).isDeepEqualTo(longMatrix(e.get("confusion")));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("regression")
  void labelledRegressionMatchesScikitLearn(JsonNode golden) {
    double[] labels = doubles(golden.get("labels"));
    Map<MonitorMetric, Double> points =
        byMetric(
            LabelledFigures.regression(
                SCOPE, labels, doubles(golden.get("predictions")), labels.length * 4L));
    JsonNode e = golden.get("expected");
    assertThat(points.get(MonitorMetric.LABEL_COVERAGE)).isEqualTo(0.25);
    expect(points, e, MonitorMetric.MAE, "mae");
    expect(points, e, MonitorMetric.RMSE, "rmse");
    expect(points, e, MonitorMetric.R2, "r2");
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("isotonic")
  void calibrationMatchesScikitLearnIsotonicRegression(JsonNode golden) {
    Calibration c = Calibration.fit(doubles(golden.get("scores")), booleans(golden.get("labels")));
    double[] expected = doubles(golden.get("expected"));
    double[] actual = c.apply(doubles(golden.get("queries")));
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i]).as("query %d", i).isCloseTo(expected[i], within(TOLERANCE));
    }
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("wilson")
  void wilsonMatchesScipy(JsonNode golden) {
    Intervals.Interval i =
        Intervals.wilson(golden.get("successes").asLong(), golden.get("trials").asLong());
    assertThat(i.lower()).isCloseTo(golden.get("expected").get(0).asDouble(), within(TOLERANCE));
    assertThat(i.upper()).isCloseTo(golden.get("expected").get(1).asDouble(), within(TOLERANCE));
    MetricPoint p =
        Intervals.outcomeRate(
            SCOPE, "converted", golden.get("successes").asLong(), golden.get("trials").asLong());
    assertThat(p.lower()).hasValue(i.lower());
    assertThat(p.upper()).hasValue(i.upper());
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("t")
  void studentTMatchesScipy(JsonNode golden) {
    Intervals.Interval i = Intervals.studentT(doubles(golden.get("values")));
    JsonNode e = golden.get("expected");
    assertThat(i.estimate()).isCloseTo(e.get(0).asDouble(), within(TOLERANCE));
    assertThat(i.lower()).isCloseTo(e.get(1).asDouble(), within(TOLERANCE));
    assertThat(i.upper()).isCloseTo(e.get(2).asDouble(), within(TOLERANCE));
    JsonNode scipy = golden.get("scipy_interval");
    assertThat(i.lower()).isCloseTo(scipy.get(0).asDouble(), within(1e-8));
    assertThat(i.upper()).isCloseTo(scipy.get(1).asDouble(), within(1e-8));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("cbpe")
  void cbpeMatchesNumpyReimplementation(JsonNode golden) {
    Cbpe.Estimate estimate =
        Cbpe.estimate(doubles(golden.get("probabilities")), golden.get("threshold").asDouble());
    checkEstimate(estimate, golden.get("expected"));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("cbpeHistogram")
  void cbpeFromHistogramMatchesNumpyReimplementation(JsonNode golden) {
    Cbpe.Estimate estimate =
        Cbpe.estimate(longs(golden.get("counts")), golden.get("threshold").asDouble());
    checkEstimate(estimate, golden.get("expected"));
  }

  private static void checkEstimate(Cbpe.Estimate estimate, JsonNode e) {
    assertThat(estimate.truePositives()).isCloseTo(e.get("tp").asDouble(), within(TOLERANCE));
    assertThat(estimate.falsePositives()).isCloseTo(e.get("fp").asDouble(), within(TOLERANCE));
    assertThat(estimate.falseNegatives()).isCloseTo(e.get("fn").asDouble(), within(TOLERANCE));
    assertThat(estimate.trueNegatives()).isCloseTo(e.get("tn").asDouble(), within(TOLERANCE));
    Map<MonitorMetric, Double> points = byMetric(Cbpe.points(SCOPE, estimate));
    expect(points, e, MonitorMetric.ESTIMATED_ACCURACY, "accuracy");
    expect(points, e, MonitorMetric.ESTIMATED_PRECISION, "precision");
    expect(points, e, MonitorMetric.ESTIMATED_RECALL, "recall");
    expect(points, e, MonitorMetric.ESTIMATED_F1, "f1");
    expect(points, e, MonitorMetric.ESTIMATED_ROC_AUC, "roc_auc");
    expect(points, e, MonitorMetric.MEAN_CONFIDENCE, "mean_confidence");
  }

  private static void expect(
      Map<MonitorMetric, Double> points, JsonNode expected, MonitorMetric metric, String key) {
    assertThat(points).as(metric.label()).containsKey(metric);
    assertThat(points.get(metric))
        .as(metric.label())
        .isCloseTo(expected.get(key).asDouble(), within(TOLERANCE));
  }

  static Map<MonitorMetric, Double> byMetric(List<MetricPoint> points) {
    Map<MonitorMetric, Double> map = new EnumMap<>(MonitorMetric.class);
    for (MetricPoint p : points) {
      assertThat(map.put(p.metric(), p.value())).as("one %s", p.metric()).isNull();
    }
    return map;
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  static boolean[] booleans(JsonNode array) {
    boolean[] out = new boolean[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt() != 0;
    }
    return out;
  }

  static long[][] longMatrix(JsonNode rows) {
    long[][] out = new long[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = longs(rows.get(i));
    }
    return out;
  }
}
