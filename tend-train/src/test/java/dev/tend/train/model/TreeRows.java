package dev.tend.train.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/*
 * Rows that reach every corner of a tree model: for each feature, values at its split conditions
 * and one float step either side (where "x < split" flips), far outside them, missing values, and
 * for categorical features the trained categories, unseen ones and out-of-range codes.
 */
public final class TreeRows {
  private final List<float[]> thresholds = new ArrayList<>();
  private final int[] maxCategory;

  private TreeRows(byte[] json) {
    JsonNode learner;
    try {
      learner = Golden.JSON.readTree(json).path("learner");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int features = learner.path("learner_model_param").path("num_feature").asInt();
    List<TreeSet<Float>> splits = new ArrayList<>();
    maxCategory = new int[features];
    for (int f = 0; f < features; f++) {
      splits.add(new TreeSet<>());
      maxCategory[f] = -1;
    }
    for (JsonNode tree : learner.path("gradient_booster").path("model").path("trees")) {
      JsonNode lefts = tree.path("left_children");
      for (int i = 0; i < lefts.size(); i++) {
        if (lefts.get(i).asInt() != -1) {
          int f = tree.path("split_indices").get(i).asInt();
          if (tree.path("split_type").path(i).asInt(0) == 1) {
            maxCategory[f] = Math.max(maxCategory[f], 0);
          } else {
            splits.get(f).add(Float.parseFloat(tree.path("split_conditions").get(i).asText()));
          }
        }
      }
      JsonNode nodes = tree.path("categories_nodes");
      JsonNode segments = tree.path("categories_segments");
      JsonNode sizes = tree.path("categories_sizes");
      for (int k = 0; k < nodes.size(); k++) {
        int f = tree.path("split_indices").get(nodes.get(k).asInt()).asInt();
        for (int c = 0; c < sizes.get(k).asInt(); c++) {
          int category = tree.path("categories").get(segments.get(k).asInt() + c).asInt();
          maxCategory[f] = Math.max(maxCategory[f], category);
        }
      }
    }
    for (TreeSet<Float> s : splits) {
      float[] values = new float[s.size()];
      int i = 0;
      for (float v : s) {
        values[i++] = v;
      }
      thresholds.add(values);
    }
  }

  static TreeRows of(byte[] json) {
    return new TreeRows(json);
  }

  /** Rows for a model in any format XGBoost reads (JSON or UBJSON). */
  public static TreeRows ofModel(byte[] model) {
    try {
      ml.dmlc.xgboost4j.java.Booster booster = ml.dmlc.xgboost4j.java.XGBoost.loadModel(model);
      try {
        return new TreeRows(booster.toByteArray("json"));
      } finally {
        booster.dispose();
      }
    } catch (ml.dmlc.xgboost4j.java.XGBoostError | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int features() {
    return maxCategory.length;
  }

  /** Row-major random rows. */
  public float[] rows(int rows, Random random) {
    int f = features();
    float[] data = new float[rows * f];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < f; i++) {
        data[r * f + i] = value(i, random);
      }
    }
    return data;
  }

  private float value(int f, Random random) {
    if (random.nextInt(10) == 0) {
      return Float.NaN;
    }
    if (maxCategory[f] >= 0) {
      return switch (random.nextInt(12)) {
        case 0 -> maxCategory[f] + 1 + random.nextInt(40); // unseen, maybe past the bit set
        case 1 -> 100_000 + random.nextInt(1000);
        default -> random.nextInt(maxCategory[f] + 1);
      };
    }
    float[] t = thresholds.get(f);
    if (t.length == 0 || random.nextInt(20) == 0) {
      return (float) (random.nextGaussian() * 1e4);
    }
    float split = t[random.nextInt(t.length)];
    return switch (random.nextInt(3)) {
      case 0 -> split;
      case 1 -> Math.nextDown(split);
      default -> Math.nextUp(split);
    };
  }
}
