package dev.tend.train.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

/**
 * The tree evaluator predicts what XGBoost4J predicts, to 1e-6, for every objective it supports,
 * categorical splits, missing values, several parallel trees and early-stopped iteration counts;
 * the models it does not support are refused with the reason.
 */
class TreeEnsembleTest {
  private static final int ROWS = 3000;

  /* Synthetic training data: two numeric features, one categorical (codes 0..5), some missing. */
  private static DMatrix data(
      Random random, int rows, String kind, int classes, boolean categorical) throws XGBoostError {
    float[] x = new float[rows * 3];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      float a = (float) random.nextGaussian();
      float b = (float) (random.nextDouble() * 10);
      int c = random.nextInt(6);
      x[r * 3] = random.nextInt(15) == 0 ? Float.NaN : a;
      x[r * 3 + 1] = b;
      x[r * 3 + 2] = random.nextInt(20) == 0 ? Float.NaN : c;
      double signal = a + (b - 5) / 3 + (c == 2 || c == 4 ? 1.2 : -0.3) + random.nextGaussian();
      y[r] =
          switch (kind) {
            case "binary" -> signal > 0.3 ? 1 : 0;
            case "class" -> (float) Math.floorMod((int) Math.floor(signal + 3), classes);
            case "positive" -> (float) Math.exp(signal / 2);
            case "count" -> (float) Math.floor(Math.exp(signal / 2));
            case "unit" -> (float) (1 / (1 + Math.exp(-signal)));
            default -> (float) signal;
          };
    }
    DMatrix matrix = new DMatrix(x, rows, 3, Float.NaN);
    matrix.setLabel(y);
    if (categorical) {
      matrix.setFeatureTypes(new String[] {"q", "q", "c"});
    }
    return matrix;
  }

  private static Booster train(String objective, String kind, Map<String, Object> extra)
      throws XGBoostError {
    Random random = new Random(objective.hashCode());
    Map<String, Object> params = new HashMap<>();
    params.put("objective", objective);
    params.put("max_depth", 4);
    params.put("eta", 0.3);
    params.put("tree_method", "hist");
    params.put("max_cat_to_onehot", 1);
    params.put("verbosity", 0);
    params.put("nthread", 1);
    params.put("seed", 3);
    params.putAll(extra);
    boolean categorical = !"gblinear".equals(extra.get("booster"));
    return XGBoost.train(
        data(random, 800, kind, 4, categorical), params, 12, Map.of(), null, null, null, 0);
  }

  /* The evaluator against the booster on rows probing every split, for each iteration count. */
  private static void assertSameAsBooster(Booster booster) throws Exception {
    byte[] json = booster.toByteArray("json");
    TreeEnsemble trees = TreeEnsemble.compile(json);
    TreeRows rows = TreeRows.of(json);
    float[] data = rows.rows(ROWS, new Random(11));
    DMatrix matrix = new DMatrix(data, ROWS, rows.features(), Float.NaN);
    matrix.setFeatureTypes(new String[] {"q", "q", "c"});
    // XGBoost4J's tree limit counts rounds times parallel trees (XGBoost divides it back).
    int parallel =
        Golden.JSON
            .readTree(json)
            .path("learner")
            .path("gradient_booster")
            .path("model")
            .path("gbtree_model_param")
            .path("num_parallel_tree")
            .asInt(1);
    try {
      for (int iterations : new int[] {trees.iterations(), 1, 5}) {
        float[][] expected = booster.predict(matrix, false, iterations * parallel);
        float[][] actual = trees.predict(data, ROWS, iterations);
        assertClose(actual, expected);
      }
    } finally {
      matrix.dispose();
    }
  }

  static void assertClose(float[][] actual, float[][] expected) {
    assertThat(actual.length).isEqualTo(expected.length);
    for (int r = 0; r < expected.length; r++) {
      assertThat(actual[r].length).as("row %d", r).isEqualTo(expected[r].length);
      for (int c = 0; c < expected[r].length; c++) {
        float e = expected[r][c];
        assertThat((double) Math.abs(actual[r][c] - e))
            .as("row %d output %d: %s vs XGBoost's %s", r, c, actual[r][c], e)
            .isLessThanOrEqualTo(1e-6 * Math.max(1, Math.abs(e)));
      }
    }
  }

  @Test
  void everySupportedObjectivePredictsAsXgboost4j() throws Exception {
    Object[][] cases = {
      {"binary:logistic", "binary"},
      {"binary:logitraw", "binary"},
      {"reg:logistic", "unit"},
      {"reg:squarederror", "value"},
      {"reg:absoluteerror", "value"},
      {"reg:pseudohubererror", "value"},
      {"reg:squaredlogerror", "positive"},
      {"count:poisson", "count"},
      {"reg:gamma", "positive"},
      {"reg:tweedie", "positive"},
    };
    for (Object[] c : cases) {
      Booster booster = train((String) c[0], (String) c[1], Map.of());
      try {
        assertThat(TreeEnsemble.compile(booster.toByteArray("json")).objective()).isEqualTo(c[0]);
        assertSameAsBooster(booster);
      } catch (AssertionError e) {
        throw new AssertionError(c[0] + ": " + e.getMessage(), e);
      } finally {
        booster.dispose();
      }
    }
  }

  @Test
  void multiclassSoftprobAndSoftmaxPredictAsXgboost4j() throws Exception {
    for (String objective : List.of("multi:softprob", "multi:softmax")) {
      Booster booster = train(objective, "class", Map.of("num_class", 4));
      try {
        assertThat(TreeEnsemble.compile(booster.toByteArray("json")).outputs())
            .isEqualTo(objective.equals("multi:softprob") ? 4 : 1);
        assertSameAsBooster(booster);
      } finally {
        booster.dispose();
      }
    }
  }

  @Test
  void parallelTreesAndAGivenBaseScorePredictAsXgboost4j() throws Exception {
    Booster forest =
        train("binary:logistic", "binary", Map.of("num_parallel_tree", 3, "subsample", 0.7));
    Booster based = train("reg:gamma", "positive", Map.of("base_score", 2.5));
    Booster classes =
        train("multi:softprob", "class", Map.of("num_class", 4, "num_parallel_tree", 2));
    try {
      assertThat(TreeEnsemble.compile(forest.toByteArray("json")).trees()).isEqualTo(36);
      assertSameAsBooster(forest);
      assertSameAsBooster(based);
      assertSameAsBooster(classes);
    } finally {
      forest.dispose();
      based.dispose();
      classes.dispose();
    }
  }

  @Test
  void oneHotCategoricalSplitsPredictAsXgboost4j() throws Exception {
    Booster booster = train("binary:logistic", "binary", Map.of("max_cat_to_onehot", 16));
    try {
      assertSameAsBooster(booster);
    } finally {
      booster.dispose();
    }
  }

  @Test
  void unsupportedModelsSayWhy() throws Exception {
    Booster linear = train("reg:squarederror", "value", Map.of("booster", "gblinear"));
    Booster ranking = train("rank:pairwise", "binary", Map.of());
    try {
      assertThatThrownBy(() -> TreeEnsemble.compile(linear.toByteArray("json")))
          .isInstanceOf(TreeEnsemble.Unsupported.class)
          .hasMessage("the booster is gblinear, not gbtree");
      // XGBoost4J here keeps gbtree for booster=dart; DART's JSON names itself so.
      ObjectNode dart = (ObjectNode) Golden.JSON.readTree(ranking.toByteArray("json"));
      ((ObjectNode) dart.path("learner").path("gradient_booster")).put("name", "dart");
      assertThatThrownBy(() -> TreeEnsemble.compile(Golden.JSON.writeValueAsBytes(dart)))
          .hasMessage("the booster is dart, not gbtree");
      assertThatThrownBy(() -> TreeEnsemble.compile(ranking.toByteArray("json")))
          .hasMessage("the objective rank:pairwise is not supported");
    } finally {
      linear.dispose();
      ranking.dispose();
    }
    assertThatThrownBy(() -> TreeEnsemble.compile("{\"x\": 1}".getBytes()))
        .hasMessageContaining("no \"learner\"");
    assertThatThrownBy(() -> TreeEnsemble.compile("not json".getBytes()))
        .hasMessageContaining("cannot be read");
  }

  @Test
  void multiTargetTreesAreRefused() throws Exception {
    Booster booster = train("reg:squarederror", "value", Map.of());
    try {
      ObjectNode root = (ObjectNode) Golden.JSON.readTree(booster.toByteArray("json"));
      JsonNode tree =
          root.path("learner").path("gradient_booster").path("model").path("trees").get(0);
      ((ObjectNode) tree.path("tree_param")).put("size_leaf_vector", "2");
      assertThatThrownBy(() -> TreeEnsemble.compile(Golden.JSON.writeValueAsBytes(root)))
          .hasMessage("tree 0 has vector leaves (a multi-target tree)");
    } finally {
      booster.dispose();
    }
  }

  @Test
  void anIterationCountBeyondTheModelIsRefused() throws XGBoostError {
    Booster booster = train("reg:squarederror", "value", Map.of());
    try {
      TreeEnsemble trees = TreeEnsemble.compile(booster.toByteArray("json"));
      assertThatThrownBy(() -> trees.predict(new float[3], 1, 13))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("iterations 13 out of 0..12");
    } finally {
      booster.dispose();
    }
  }
}
