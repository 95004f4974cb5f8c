package dev.tend.train.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tend.train.TrainException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An XGBoost tree ensemble evaluated in plain Java, compiled from the model's JSON (XGBoost's
 * {@code save_model} format, as {@code Booster.toByteArray("json")} exports it). It gives the
 * booster's predictions without a DMatrix, JNI or a lock: numeric splits compare float32 values as
 * XGBoost does, leaf values add up in float32 in tree order from the base margin, and the
 * objective's transform follows.
 *
 * <p>Immutable and thread-safe.
 */
public final class TreeEnsemble {
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          // Exact decimals, so each split condition rounds once, straight to its float32.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  /* XGBoost's InvalidCat: a category below 0 or at least 2^24 is not a category (goes left). */
  private static final float MAX_CATEGORY = 1 << 24;

  /** How raw margins become predictions. */
  enum Transform {
    IDENTITY,
    SIGMOID,
    EXP,
    SOFTPROB,
    SOFTMAX
  }

  /*
   * All trees' nodes, four ints each so that one visit reads one cache line: the left child's
   * slot (negative for a leaf), the right child's slot, INFO (the feature with the DEFAULT_LEFT
   * and CATEGORICAL flags) and the float bits of the split condition or, for a leaf, its value.
   * Slots are node index x 4. A categorical node's category set is the bit set
   * catBits[catStart[node] .. catStart[node] + catWords[node]).
   */
  private static final int DEFAULT_LEFT = 1 << 30;
  private static final int CATEGORICAL = 1 << 29;
  private static final int FEATURE = CATEGORICAL - 1;

  private final int[] nodes;
  private final int[] catStart;
  private final int[] catWords;
  private final int[] catBits;
  private final int[] treeRoot;
  private final int[] treeGroup;
  private final int[] iterationEnd;
  private final float[] baseMargin;
  private final int groups;
  private final int features;
  private final Transform transform;
  private final String objective;

  private TreeEnsemble(Builder b) {
    int[] left = b.left.toArray();
    int[] right = b.right.toArray();
    int[] feature = b.feature.toArray();
    this.catStart = b.catStart.toArray();
    this.nodes = new int[left.length * 4];
    for (int n = 0; n < left.length; n++) {
      nodes[4 * n] = left[n] < 0 ? -1 : 4 * left[n];
      nodes[4 * n + 1] = right[n] < 0 ? -1 : 4 * right[n];
      nodes[4 * n + 2] =
          feature[n] | (b.defaultLeft[n] ? DEFAULT_LEFT : 0) | (catStart[n] >= 0 ? CATEGORICAL : 0);
      nodes[4 * n + 3] = Float.floatToRawIntBits(b.value[n]);
    }
    this.catWords = b.catWords.toArray();
    this.catBits = b.catBits.toArray();
    this.treeRoot = b.treeRoot.toArray();
    this.treeGroup = b.treeGroup.toArray();
    this.iterationEnd = b.iterationEnd;
    this.baseMargin = b.baseMargin;
    this.groups = b.groups;
    this.features = b.features;
    this.transform = b.transform;
    this.objective = b.objective;
  }

  /**
   * Compiles XGBoost's JSON model.
   *
   * @throws Unsupported saying why when the model is not one this evaluator runs exactly (gblinear,
   *     dart, multi-target trees, an objective it does not know): such a model stays with XGBoost
   */
  public static TreeEnsemble compile(byte[] json) {
    requireNonNull(json, "json is null");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new Unsupported("the model JSON cannot be read: " + e.getMessage());
    }
    return new Builder(root.path("learner")).build();
  }

  /** Boosting iterations (rounds) in the model. */
  public int iterations() {
    return iterationEnd.length;
  }

  /** Trees in the model. */
  public int trees() {
    return treeRoot.length;
  }

  /** Features a row has. */
  public int features() {
    return features;
  }

  /** Values per row in {@link #predict}'s answer: classes for multi:softprob, else 1. */
  public int outputs() {
    return transform == Transform.SOFTPROB ? groups : 1;
  }

  /** XGBoost's objective name. */
  public String objective() {
    return objective;
  }

  /**
   * Predicts rows, row-major with {@link #features()} values each (NaN for missing), using the
   * first {@code iterations} boosting rounds; like {@code Booster.predict}, one array per row of
   * {@link #outputs()} values.
   */
  public float[][] predict(float[] data, int rows, int iterations) {
    if (iterations < 0 || iterations > iterationEnd.length) {
      throw new IllegalArgumentException(
          "iterations " + iterations + " out of 0.." + iterationEnd.length);
    }
    if (data.length < (long) rows * features) {
      throw new IllegalArgumentException(
          rows + " rows of " + features + " features need " + rows * features + " values");
    }
    int end = iterations == 0 ? 0 : iterationEnd[iterations - 1];
    float[][] out = new float[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = transform(margins(data, r * features, end));
    }
    return out;
  }

  /** The raw margins of one row, one per output group, from the first {@code trees} trees. */
  float[] margins(float[] data, int offset, int trees) {
    float[] sum = baseMargin.clone();
    for (int t = 0; t < trees; t++) {
      sum[treeGroup[t]] += leafValue(treeRoot[t], data, offset);
    }
    return sum;
  }

  private float leafValue(int node, float[] data, int offset) {
    int slot = 4 * node;
    int left;
    while ((left = nodes[slot]) >= 0) {
      int info = nodes[slot + 2];
      float x = data[offset + (info & FEATURE)];
      boolean goLeft;
      if (Float.isNaN(x)) {
        goLeft = (info & DEFAULT_LEFT) != 0;
      } else if ((info & CATEGORICAL) != 0) {
        goLeft = !inCategories(slot >> 2, x);
      } else {
        goLeft = x < Float.intBitsToFloat(nodes[slot + 3]);
      }
      slot = goLeft ? left : nodes[slot + 1];
    }
    return Float.intBitsToFloat(nodes[slot + 3]);
  }

  /* XGBoost's Decision: a value in the node's category set goes right, anything else left. */
  private boolean inCategories(int n, float x) {
    if (x < 0 || x >= MAX_CATEGORY) {
      return false;
    }
    int category = (int) x;
    int word = category >>> 5;
    return word < catWords[n] && (catBits[catStart[n] + word] & (1 << (category & 31))) != 0;
  }

  private float[] transform(float[] margin) {
    switch (transform) {
      case IDENTITY -> {}
      case SIGMOID -> margin[0] = sigmoid(margin[0]);
      case EXP -> margin[0] = (float) Math.exp(margin[0]);
      case SOFTPROB -> softmax(margin);
      case SOFTMAX -> {
        int best = 0;
        for (int c = 1; c < margin.length; c++) {
          if (margin[c] > margin[best]) {
            best = c;
          }
        }
        return new float[] {best};
      }
    }
    return margin;
  }

  /* XGBoost's common::Sigmoid, in float. */
  static float sigmoid(float x) {
    float denominator = (float) Math.exp(Math.min(-x, 88.7f)) + 1.0f + 1e-16f;
    return 1.0f / denominator;
  }

  /* XGBoost's common::Softmax: float exponentials, a double sum. */
  static void softmax(float[] p) {
    float max = p[0];
    for (float v : p) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= (float) sum;
    }
  }

  /** The model is valid but this evaluator does not run it; the message says why. */
  public static final class Unsupported extends TrainException {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  /* Reads the learner JSON into growing arrays. */
  private static final class Builder {
    final Ints left = new Ints();
    final Ints right = new Ints();
    final Ints feature = new Ints();
    final List<Float> values = new ArrayList<>();
    float[] value;
    boolean[] defaultLeft;
    final List<Boolean> defaults = new ArrayList<>();
    final Ints catStart = new Ints();
    final Ints catWords = new Ints();
    final Ints catBits = new Ints();
    final Ints treeRoot = new Ints();
    final Ints treeGroup = new Ints();
    int[] iterationEnd;
    float[] baseMargin;
    int groups;
    int features;
    Transform transform;
    String objective;

    private final JsonNode learner;

    Builder(JsonNode learner) {
      this.learner = learner;
    }

    TreeEnsemble build() {
      if (learner.isMissingNode()) {
        throw new Unsupported("the JSON has no \"learner\": it is not an XGBoost model");
      }
      JsonNode booster = learner.path("gradient_booster");
      String kind = booster.path("name").asText("");
      if (!kind.equals("gbtree")) {
        throw new Unsupported(
            "the booster is " + (kind.isEmpty() ? "unknown" : kind) + ", not gbtree");
      }
      objective = learner.path("objective").path("name").asText("");
      transform = transform(objective);
      JsonNode param = learner.path("learner_model_param");
      features = number(param.path("num_feature"), "num_feature");
      if (features < 0 || features > FEATURE) {
        throw new Unsupported("the model has " + features + " features");
      }
      int numClass = number(param.path("num_class"), "num_class");
      int numTarget = param.has("num_target") ? number(param.path("num_target"), "num_target") : 1;
      if (numTarget > 1) {
        throw new Unsupported("the model has " + numTarget + " targets; only one is supported");
      }
      boolean multiclass = transform == Transform.SOFTPROB || transform == Transform.SOFTMAX;
      groups = multiclass ? Math.max(numClass, 1) : 1;
      if (multiclass != numClass > 1) {
        throw new Unsupported(objective + " with num_class " + numClass);
      }
      baseMargin = baseMargin(param.path("base_score").asText(""));

      JsonNode model = booster.path("model");
      JsonNode trees = model.path("trees");
      JsonNode info = model.path("tree_info");
      if (!trees.isArray() || !info.isArray() || info.size() != trees.size()) {
        throw new Unsupported("the model's trees or tree_info are missing or disagree");
      }
      for (int t = 0; t < trees.size(); t++) {
        int group = info.get(t).asInt();
        if (group < 0 || group >= groups) {
          throw new Unsupported("tree " + t + " is in output group " + group + " of " + groups);
        }
        treeGroup.add(group);
        tree(t, trees.get(t));
      }
      value = new float[values.size()];
      for (int i = 0; i < value.length; i++) {
        value[i] = values.get(i);
      }
      defaultLeft = new boolean[defaults.size()];
      for (int i = 0; i < defaultLeft.length; i++) {
        defaultLeft[i] = defaults.get(i);
      }
      iterationEnd = iterations(model, trees.size());
      return new TreeEnsemble(this);
    }

    /* Tree ends per iteration: iteration_indptr (XGBoost 2+) or num_parallel_tree x groups. */
    private int[] iterations(JsonNode model, int trees) {
      JsonNode indptr = model.path("iteration_indptr");
      if (indptr.isArray() && indptr.size() > 0) {
        int[] ends = new int[indptr.size() - 1];
        for (int i = 0; i < ends.length; i++) {
          ends[i] = indptr.get(i + 1).asInt();
          if (ends[i] < (i == 0 ? 0 : ends[i - 1]) || ends[i] > trees) {
            throw new Unsupported("iteration_indptr is not increasing within the trees");
          }
        }
        if (ends.length > 0 && ends[ends.length - 1] != trees) {
          throw new Unsupported("iteration_indptr does not end at the last tree");
        }
        return ends;
      }
      JsonNode parallel = model.path("gbtree_model_param").path("num_parallel_tree");
      int perIteration = (parallel.isMissingNode() ? 1 : number(parallel, "num_parallel_tree"));
      perIteration *= groups;
      if (perIteration <= 0 || trees % perIteration != 0) {
        throw new Unsupported(trees + " trees do not split into rounds of " + perIteration);
      }
      int[] ends = new int[trees / perIteration];
      for (int i = 0; i < ends.length; i++) {
        ends[i] = (i + 1) * perIteration;
      }
      return ends;
    }

    private void tree(int t, JsonNode tree) {
      JsonNode param = tree.path("tree_param");
      if (param.has("size_leaf_vector") && number(param.path("size_leaf_vector"), "") > 1) {
        throw new Unsupported("tree " + t + " has vector leaves (a multi-target tree)");
      }
      JsonNode lefts = tree.path("left_children");
      JsonNode rights = tree.path("right_children");
      JsonNode indices = tree.path("split_indices");
      JsonNode conditions = tree.path("split_conditions");
      JsonNode defaultLefts = tree.path("default_left");
      JsonNode types = tree.path("split_type");
      int n = lefts.size();
      if (n == 0
          || rights.size() != n
          || indices.size() != n
          || conditions.size() != n
          || defaultLefts.size() != n) {
        throw new Unsupported("tree " + t + " has node arrays of different lengths");
      }
      int base = left.size();
      treeRoot.add(base);
      int[] nodeCategories = categories(t, tree, n);
      for (int i = 0; i < n; i++) {
        int l = lefts.get(i).asInt();
        int r = rights.get(i).asInt();
        if (l == -1) {
          left.add(-1);
          right.add(-1);
          feature.add(0);
          catStart.add(-1);
          catWords.add(0);
        } else {
          if (l <= 0 || l >= n || r <= 0 || r >= n) {
            throw new Unsupported("tree " + t + " node " + i + " has children out of range");
          }
          int f = indices.get(i).asInt();
          if (f < 0 || f >= features) {
            throw new Unsupported("tree " + t + " splits on feature " + f + " of " + features);
          }
          left.add(base + l);
          right.add(base + r);
          feature.add(f);
          boolean categorical = types.size() == n && types.get(i).asInt() == 1;
          if (categorical) {
            if (nodeCategories[i] < 0) {
              throw new Unsupported("tree " + t + " node " + i + " has no categories");
            }
            catStart.add(nodeCategories[i]);
            catWords.add(nodeCategories[n + i]);
          } else {
            catStart.add(-1);
            catWords.add(0);
          }
        }
        values.add(Float.parseFloat(conditions.get(i).asText()));
        defaults.add(defaultLefts.get(i).asInt() != 0);
      }
    }

    /*
     * Packs the categories of the tree's categorical nodes into bit sets in catBits. Returns, per
     * node, its first word ([0, n)) and its word count ([n, 2n)); -1 for nodes without any.
     */
    private int[] categories(int t, JsonNode tree, int n) {
      int[] placed = new int[2 * n];
      java.util.Arrays.fill(placed, 0, n, -1);
      JsonNode nodes = tree.path("categories_nodes");
      JsonNode segments = tree.path("categories_segments");
      JsonNode sizes = tree.path("categories_sizes");
      JsonNode categories = tree.path("categories");
      if (nodes.size() != segments.size() || nodes.size() != sizes.size()) {
        throw new Unsupported("tree " + t + " has category arrays of different lengths");
      }
      for (int k = 0; k < nodes.size(); k++) {
        int node = nodes.get(k).asInt();
        long start = segments.get(k).asLong();
        int size = sizes.get(k).asInt();
        if (node < 0 || node >= n || start < 0 || size < 0 || start + size > categories.size()) {
          throw new Unsupported("tree " + t + " has categories out of range");
        }
        int max = -1;
        for (int c = 0; c < size; c++) {
          max = Math.max(max, categories.get((int) start + c).asInt());
        }
        int words = (max + 32) / 32;
        int first = catBits.size();
        for (int w = 0; w < words; w++) {
          catBits.add(0);
        }
        for (int c = 0; c < size; c++) {
          int category = categories.get((int) start + c).asInt();
          if (category < 0) {
            throw new Unsupported("tree " + t + " has a negative category");
          }
          catBits.or(first + (category >>> 5), 1 << (category & 31));
        }
        placed[node] = first;
        placed[n + node] = words;
      }
      return placed;
    }

    /* The base score as XGBoost turns it into a margin: ProbToMargin of the objective. */
    private float[] baseMargin(String text) {
      String trimmed = text.trim();
      List<Float> scores = new ArrayList<>();
      try {
        if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
          for (String part : trimmed.substring(1, trimmed.length() - 1).split(",")) {
            if (!part.isBlank()) {
              scores.add(Float.parseFloat(part.trim()));
            }
          }
        } else {
          scores.add(Float.parseFloat(trimmed));
        }
      } catch (NumberFormatException e) {
        throw new Unsupported("base_score \"" + text + "\" is not a number or a list of them");
      }
      if (scores.size() != 1 && scores.size() != groups) {
        throw new Unsupported(
            "base_score has " + scores.size() + " values for " + groups + " outputs");
      }
      float[] margin = new float[groups];
      for (int g = 0; g < groups; g++) {
        float score = scores.get(scores.size() == 1 ? 0 : g);
        margin[g] =
            switch (transform) {
              case SIGMOID -> objective.equals("binary:logitraw") ? score : logit(score);
              case EXP -> (float) Math.log(score);
              case IDENTITY, SOFTPROB, SOFTMAX -> score;
            };
      }
      return margin;
    }

    /* XGBoost's LogisticRegression::ProbToMargin, in float. */
    private static float logit(float p) {
      return (float) -Math.log(1.0f / p - 1.0f);
    }

    private static Transform transform(String objective) {
      return switch (objective) {
        case "binary:logistic", "reg:logistic" -> Transform.SIGMOID;
        case "binary:logitraw",
            "reg:squarederror",
            "reg:squaredlogerror",
            "reg:absoluteerror",
            "reg:pseudohubererror" ->
            Transform.IDENTITY;
        case "count:poisson", "reg:gamma", "reg:tweedie" -> Transform.EXP;
        case "multi:softprob" -> Transform.SOFTPROB;
        case "multi:softmax" -> Transform.SOFTMAX;
        default ->
            throw new Unsupported(
                "the objective "
                    + (objective.isEmpty() ? "is unknown" : objective + " is not supported"));
      };
    }

    private static int number(JsonNode node, String name) {
      String text = node.asText("");
      try {
        return Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new Unsupported(name + " \"" + text + "\" is not a whole number");
      }
    }
  }

  /* A growing int array. */
  private static final class Ints {
    private int[] values = new int[64];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void or(int index, int bits) {
      values[index] |= bits;
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
