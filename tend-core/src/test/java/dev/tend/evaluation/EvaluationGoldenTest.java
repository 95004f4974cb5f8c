package dev.tend.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares every metric with scikit-learn 1.2.1 on the cases of golden/evaluation_golden.json,
 * written by golden/evaluation_golden.py (random, tied, imbalanced, degenerate and real flights
 * predictions). A null expected value means Tend must report the metric as undefined.
 */
class EvaluationGoldenTest {
  private static final double TOLERANCE = 1e-12;

  static Stream<JsonNode> cases(String kind) throws IOException {
    try (InputStream in =
        EvaluationGoldenTest.class.getResourceAsStream("/golden/evaluation_golden.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<JsonNode> cases = new ArrayList<>();
      root.get("cases").forEach(c -> cases.add(c));
      return cases.stream().filter(c -> c.get("kind").asText().equals(kind));
    }
  }

  static Stream<JsonNode> binaryCases() throws IOException {
    return cases("binary");
  }

  static Stream<JsonNode> multiclassCases() throws IOException {
    return cases("multiclass");
  }

  static Stream<JsonNode> regressionCases() throws IOException {
    return cases("regression");
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("binaryCases")
  void binaryMatchesScikitLearn(JsonNode golden) {
    String name = golden.get("name").asText();
    boolean[] labels = booleans(golden.get("labels"));
    double[] scores = doubles(golden.get("scores"));
    BinaryMetrics m =
        BinaryEvaluation.evaluate(
            labels, scores, golden.get("threshold").asDouble(), golden.get("bins").asInt());
    JsonNode e = golden.get("expected");
    check(name, "accuracy", m.accuracy(), e);
    check(name, "precision", m.precision(), e);
    check(name, "recall", m.recall(), e);
    check(name, "f1", m.f1(), e);
    check(name, "f1_macro", m.confusion().f1(Average.MACRO), e);
    check(name, "f1_weighted", m.confusion().f1(Average.WEIGHTED), e);
    check(name, "precision_macro", m.confusion().precision(Average.MACRO), e);
    check(name, "recall_weighted", m.confusion().recall(Average.WEIGHTED), e);
    check(name, "roc_auc", m.rocAuc(), e);
    check(name, "average_precision", m.averagePrecision(), e);
    check(name, "log_loss", m.logLoss(), e);
    check(name, "brier", m.brier(), e);
    check(name, "ece", m.expectedCalibrationError(), e);
    assertThat(m.confusion().counts()).as(name).isEqualTo(longMatrix(e.get("confusion")));
    JsonNode calibration = e.get("calibration");
    assertThat(m.calibration()).as(name).hasSize(calibration.get("count").size());
    for (int b = 0; b < m.calibration().size(); b++) {
      CalibrationBins.Bin bin = m.calibration().get(b);
      assertThat(bin.count()).as(name).isEqualTo(calibration.get("count").get(b).asLong());
      assertClose(name + " prob_pred", bin.meanPredicted(), calibration.get("prob_pred").get(b));
      assertClose(name + " prob_true", bin.fractionPositive(), calibration.get("prob_true").get(b));
    }
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("multiclassCases")
  void multiclassMatchesScikitLearn(JsonNode golden) {
    String name = golden.get("name").asText();
    int[] labels = ints(golden.get("labels"));
    double[][] probabilities = new double[labels.length][];
    for (int i = 0; i < labels.length; i++) {
      probabilities[i] = doubles(golden.get("probabilities").get(i));
    }
    MulticlassMetrics m = MulticlassEvaluation.evaluate(labels, probabilities);
    JsonNode e = golden.get("expected");
    check(name, "accuracy", m.accuracy(), e);
    check(name, "log_loss", m.logLoss(), e);
    check(name, "roc_auc_ovr", m.rocAuc(), e);
    for (AveragedScores scores : List.of(m.macro(), m.weighted(), m.micro())) {
      String suffix = "_" + scores.average().name().toLowerCase(java.util.Locale.ROOT);
      check(name, "precision" + suffix, scores.precision(), e);
      check(name, "recall" + suffix, scores.recall(), e);
      check(name, "f1" + suffix, scores.f1(), e);
    }
    assertThat(m.confusion().counts()).as(name).isEqualTo(longMatrix(e.get("confusion")));
  }

  @ParameterizedTest(name = "{index}")
  @MethodSource("regressionCases")
  void regressionMatchesScikitLearn(JsonNode golden) {
    String name = golden.get("name").asText();
    RegressionMetrics m =
        RegressionAccumulator.evaluate(
            doubles(golden.get("labels")), doubles(golden.get("predictions")));
    JsonNode e = golden.get("expected");
    check(name, "mae", m.mae(), e);
    check(name, "rmse", m.rmse(), e);
    check(name, "r2", m.r2(), e);
    check(name, "mape", m.mape(), e);
  }

  private static void check(String name, String metric, MetricValue actual, JsonNode expected) {
    JsonNode value = expected.get(metric);
    assertThat(value).as(name + " " + metric + " missing from the golden file").isNotNull();
    if (value.isNull()) {
      assertThat(actual.isDefined()).as(name + " " + metric + " should be undefined").isFalse();
    } else {
      assertThat(actual.isDefined()).as(name + " " + metric + ": " + actual).isTrue();
      assertClose(name + " " + metric, actual.value(), value);
    }
  }

  private static void assertClose(String what, double actual, JsonNode expected) {
    double e = expected.asDouble();
    assertThat(Math.abs(actual - e))
        .as("%s: %s vs scikit-learn %s", what, actual, e)
        .isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(e)));
  }

  static boolean[] booleans(JsonNode node) {
    boolean[] out = new boolean[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asInt() == 1;
    }
    return out;
  }

  static int[] ints(JsonNode node) {
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asInt();
    }
    return out;
  }

  static double[] doubles(JsonNode node) {
    double[] out = new double[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asDouble();
    }
    return out;
  }

  private static long[][] longMatrix(JsonNode node) {
    long[][] out = new long[node.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new long[node.get(i).size()];
      for (int j = 0; j < out[i].length; j++) {
        out[i][j] = node.get(i).get(j).asLong();
      }
    }
    return out;
  }
}
