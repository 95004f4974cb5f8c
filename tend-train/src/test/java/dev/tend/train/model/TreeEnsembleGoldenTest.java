package dev.tend.train.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/**
 * Every golden model saved by Python's xgboost predicts the same on the tree evaluator as on
 * XGBoost4J (thousands of rows probing each split, missing values, unseen and out-of-range
 * categories) and as Python did.
 */
class TreeEnsembleGoldenTest {
  private static final int ROWS = 4000;

  /* Each golden folder with the model file in it to load. */
  private static final List<String[]> MODELS =
      List.of(
          new String[] {"python-xgboost/binary-json", "model.json"},
          new String[] {"python-xgboost/multiclass-ubj", "model.ubj"},
          new String[] {"python-xgboost/regression-json", "model.json"},
          new String[] {"python-xgboost/forest", "model.json"},
          new String[] {"python-xgboost/forest", "model.ubj"});

  static byte[] json(Path file) throws Exception {
    Booster booster = XGBoost.loadModel(Files.readAllBytes(file));
    try {
      return booster.toByteArray("json");
    } finally {
      booster.dispose();
    }
  }

  @Test
  void everyGoldenModelRunsOnTheTreesAndPredictsAsXgboost4j() throws Exception {
    for (String[] m : MODELS) {
      Path folder = Golden.folder(m[0]);
      try (PythonXgboostModel trees = PythonXgboostModel.load(folder, m[1], true);
          PythonXgboostModel booster = PythonXgboostModel.load(folder, m[1], false)) {
        assertThat(trees.evaluatesTrees()).as(m[0]).isTrue();
        assertThat(booster.evaluatesTrees()).isFalse();
        TreeRows rows = TreeRows.of(json(folder.resolve(m[1])));
        float[] data = rows.rows(ROWS, new Random(m[0].hashCode()));
        TreeEnsembleTest.assertClose(trees.raw(data, ROWS), booster.raw(data, ROWS));
      } catch (AssertionError e) {
        throw new AssertionError(m[0] + "/" + m[1] + ": " + e.getMessage(), e);
      }
    }
  }

  @Test
  void everyGoldenModelPredictsAsPythonOnTheTrees() {
    for (String[] m : MODELS) {
      JsonNode expected = Golden.expected(m[0]);
      try (PythonXgboostModel model = PythonXgboostModel.load(Golden.folder(m[0]), m[1], true)) {
        assertThat(model.evaluatesTrees()).isTrue();
        List<Prediction> predictions = model.predict(Golden.rows(expected));
        for (int r = 0; r < predictions.size(); r++) {
          double[] python = Golden.doubles(expected.get("predictions").get(r));
          Prediction p = predictions.get(r);
          double[] actual =
              model.manifest().task() == Task.REGRESSION
                  ? new double[] {p.value()}
                  : p.probabilities();
          assertThat(actual).as("%s row %d", m[0], r).hasSize(python.length);
          for (int c = 0; c < python.length; c++) {
            assertThat(Math.abs(actual[c] - python[c]))
                .as("%s/%s row %d: %s vs Python's %s", m[0], m[1], r, actual[c], python[c])
                .isLessThanOrEqualTo(1e-6);
          }
        }
      }
    }
  }

  @Test
  void theForestStopsAtItsRoundsNotItsTreeCount() {
    // 15 rounds x 3 classes x 3 parallel trees: XGBoost4J's tree limit must count all 135.
    try (PythonXgboostModel model =
        PythonXgboostModel.load(Golden.folder("python-xgboost/forest"), "model.ubj", false)) {
      assertThat(model.manifest().bestIteration()).isEqualTo(14);
      JsonNode expected = Golden.expected("python-xgboost/forest");
      double[] python = Golden.doubles(expected.get("predictions").get(0));
      double[] actual = model.predict(Golden.rows(expected).subList(0, 1)).get(0).probabilities();
      for (int c = 0; c < python.length; c++) {
        assertThat(Math.abs(actual[c] - python[c])).isLessThanOrEqualTo(1e-6);
      }
    }
  }

  @Test
  void anInfiniteValueIsRefusedNamingItsFeatureOnBothRuntimes() {
    Map<String, Object> row = new HashMap<>(Map.of("size", Double.POSITIVE_INFINITY));
    for (boolean evaluator : new boolean[] {true, false}) {
      try (PythonXgboostModel model =
          PythonXgboostModel.load(
              Golden.folder("python-xgboost/binary-json"), "model.json", evaluator)) {
        assertThatThrownBy(() -> model.predict(List.of(row)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("feature 'size' is Infinity");
      }
    }
  }
}
