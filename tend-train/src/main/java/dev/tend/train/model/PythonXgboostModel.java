package dev.tend.train.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tend.schema.DataType;
import dev.tend.train.TrainException;
import dev.tend.train.preprocess.Input;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * An XGBoost model saved by Python's xgboost ({@code model.json} or {@code model.ubj}), run with
 * XGBoost4J. Its input signature is the model's own feature names and types, or those of a {@code
 * features.json} beside it ({@code {"features": [...], "categories": {column: [...]}}}, as {@code
 * examples/flights/train.py} writes it). A categorical feature's value is coded as its position in
 * the training categories, as pandas codes it; an unseen or absent category is missing. Like {@link
 * XgboostModel}, it predicts with a {@link TreeEnsemble} where that supports the model.
 *
 * <p>Thread-safe: the tree evaluator needs no lock; predictions on the booster are serialized, each
 * on one thread.
 */
public final class PythonXgboostModel implements Model {
  /** The feature list and category codes written beside the model. */
  public static final String FEATURES = "features.json";

  /** The model file names tried in order. */
  public static final List<String> MODEL_FILES = List.of("model.json", "model.ubj");

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private final Booster booster;
  private final String modelFile;
  private final byte[] bytes;
  private final byte[] features;
  private final Manifest manifest;
  private final Signature signature;
  private final String[] names;
  private final String[] types;
  private final boolean namedInModel;
  private final List<Map<String, Integer>> codes;
  private final Optional<TreeEnsemble> trees;
  private final int treeLimit;

  private PythonXgboostModel(
      Booster booster,
      String modelFile,
      byte[] bytes,
      byte[] features,
      Manifest manifest,
      String[] names,
      String[] types,
      boolean namedInModel,
      List<Map<String, Integer>> codes,
      Optional<TreeEnsemble> trees,
      int treeLimit) {
    this.booster = booster;
    this.modelFile = modelFile;
    this.bytes = bytes;
    this.features = features;
    this.manifest = manifest;
    this.names = names;
    this.types = types;
    this.namedInModel = namedInModel;
    this.codes = codes;
    this.trees = trees;
    this.treeLimit = treeLimit;
    List<Input> inputs = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      inputs.add(new Input(names[i], inputType(types[i])));
    }
    this.signature = new Signature(inputs, XgboostModel.outputs(manifest));
  }

  /**
   * Loads the first of {@link #MODEL_FILES} in {@code folder}, with {@link #FEATURES} when present.
   *
   * @throws TrainException if there is no model file or it or the feature list cannot be used
   */
  public static PythonXgboostModel load(Path folder) {
    for (String name : MODEL_FILES) {
      if (Files.isRegularFile(folder.resolve(name))) {
        return load(folder, name);
      }
    }
    throw new TrainException(
        folder + " has no XGBoost model: expected one of " + String.join(", ", MODEL_FILES));
  }

  /** Loads {@code folder/modelFile} (XGBoost's JSON or UBJSON), with {@link #FEATURES}. */
  static PythonXgboostModel load(Path folder, String modelFile) {
    return load(folder, modelFile, XgboostModel.treeEvaluatorByDefault());
  }

  /** Like {@link #load(Path)}; {@code treeEvaluator} false predicts with XGBoost4J always. */
  public static PythonXgboostModel load(Path folder, boolean treeEvaluator) {
    for (String name : MODEL_FILES) {
      if (Files.isRegularFile(folder.resolve(name))) {
        return load(folder, name, treeEvaluator);
      }
    }
    return load(folder);
  }

  static PythonXgboostModel load(Path folder, String modelFile, boolean treeEvaluator) {
    Path path = folder.resolve(modelFile);
    Booster booster;
    JsonNode learner;
    String version;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
      booster = XGBoost.loadModel(bytes);
      // One thread per prediction: serving runs many requests at once on few cores.
      booster.setParam("nthread", 1);
    } catch (XGBoostError | IOException e) {
      throw new TrainException("XGBoost cannot read " + path + ": " + e.getMessage(), e);
    }
    try {
      learner = JSON.readTree(booster.toByteArray("json")).path("learner");
      // Re-serialized, the model carries XGBoost4J's version; a JSON file keeps its writer's.
      version = modelFile.endsWith(".json") ? versionOf(JSON.readTree(bytes)) : "";
      Features features = features(folder, booster, path);
      Path featuresPath = folder.resolve(FEATURES);
      Manifest manifest = manifest(booster, learner, version, modelFile);
      return new PythonXgboostModel(
          booster,
          modelFile,
          bytes,
          Files.isRegularFile(featuresPath) ? Files.readAllBytes(featuresPath) : new byte[0],
          manifest,
          features.names(),
          features.types(),
          features.namedInModel(),
          features.codes(),
          treeEvaluator
              ? XgboostModel.compile(booster, manifest.bestIteration() + 1, features.names().length)
              : Optional.empty(),
          // XGBoost4J's tree limit counts rounds times parallel trees (a random forest's).
          Math.multiplyExact(
              manifest.bestIteration() + 1,
              Math.max(
                  1,
                  learner
                      .path("gradient_booster")
                      .path("model")
                      .path("gbtree_model_param")
                      .path("num_parallel_tree")
                      .asInt(1))));
    } catch (XGBoostError | IOException | RuntimeException e) {
      booster.dispose();
      if (e instanceof TrainException t) {
        throw t;
      }
      throw new TrainException("cannot load the XGBoost model " + path + ": " + e.getMessage(), e);
    }
  }

  private record Features(
      String[] names, String[] types, boolean namedInModel, List<Map<String, Integer>> codes) {}

  /*
   * Names: the model's, else features.json's, else XGBoost's defaults f0, f1, ... Types: the
   * model's, else "c" for the columns features.json gives categories for. Categories come from
   * features.json only: the model file does not keep them.
   */
  private static Features features(Path folder, Booster booster, Path modelPath)
      throws XGBoostError, IOException {
    int count = Math.toIntExact(booster.getNumFeature());
    String[] modelNames = booster.getFeatureNames();
    String[] modelTypes = booster.getFeatureTypes();
    boolean namedInModel =
        modelNames != null
            && modelNames.length == count
            && count > 0
            && Arrays.stream(modelNames).allMatch(n -> n != null && !n.isEmpty());
    Path featuresPath = folder.resolve(FEATURES);
    List<String> listed = List.of();
    Map<String, List<String>> categories = Map.of();
    if (Files.isRegularFile(featuresPath)) {
      JsonNode node;
      try {
        node = JSON.readTree(featuresPath.toFile());
      } catch (IOException e) {
        throw new TrainException("cannot read " + featuresPath + ": " + e.getMessage(), e);
      }
      listed = new ArrayList<>();
      for (JsonNode name : node.path("features")) {
        listed.add(name.asText());
      }
      if (!node.path("features").isArray()) {
        throw new TrainException(featuresPath + " needs \"features\": a list of column names");
      }
      categories = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> column : node.path("categories").properties()) {
        List<String> values = new ArrayList<>();
        column.getValue().forEach(v -> values.add(v.asText()));
        categories.put(column.getKey(), values);
      }
      if (listed.size() != count) {
        throw new TrainException(
            featuresPath
                + " lists "
                + listed.size()
                + " features but the model "
                + modelPath.getFileName()
                + " reads "
                + count);
      }
      if (namedInModel && !listed.equals(Arrays.asList(modelNames))) {
        throw new TrainException(
            featuresPath
                + " lists the features "
                + listed
                + " but the model was trained on "
                + Arrays.asList(modelNames));
      }
    }
    String[] names = new String[count];
    String[] types = new String[count];
    List<Map<String, Integer>> codes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names[i] = namedInModel ? modelNames[i] : listed.isEmpty() ? "f" + i : listed.get(i);
      boolean typed =
          modelTypes != null
              && modelTypes.length == count
              && Arrays.stream(modelTypes).allMatch(t -> t != null && !t.isEmpty());
      types[i] = typed ? modelTypes[i] : categories.containsKey(names[i]) ? "c" : "float";
      Map<String, Integer> coded = null;
      if (types[i].equals("c")) {
        List<String> values = categories.get(names[i]);
        if (values == null) {
          throw new TrainException(
              "feature '"
                  + names[i]
                  + "' of "
                  + modelPath
                  + " is categorical, but there is no "
                  + FEATURES
                  + " beside it giving its categories in training order ({\"features\": [...],"
                  + " \"categories\": {\""
                  + names[i]
                  + "\": [...]}})");
        }
        coded = new HashMap<>();
        for (int c = 0; c < values.size(); c++) {
          coded.putIfAbsent(values.get(c), c);
        }
      }
      codes.add(coded);
    }
    return new Features(names, types, namedInModel, codes);
  }

  private static Manifest manifest(
      Booster booster, JsonNode learner, String version, String modelFile) throws XGBoostError {
    String objective = learner.path("objective").path("name").asText("");
    int numClass = learner.path("learner_model_param").path("num_class").asInt(0);
    JsonNode attributes = learner.path("attributes");
    List<String> classes = new ArrayList<>();
    try {
      JsonNode sklearn = JSON.readTree(attributes.path("scikit_learn").asText("{}"));
      sklearn.path("classes_").forEach(c -> classes.add(c.asText()));
    } catch (IOException e) {
      // An unreadable scikit-learn attribute only loses the class names; 0..K-1 stand in.
    }
    Task task =
        switch (objective) {
          case "binary:logistic" -> Task.BINARY;
          case "multi:softprob" -> Task.MULTICLASS;
          case "multi:softmax" ->
              throw new TrainException(
                  "the model's objective multi:softmax gives classes without probabilities;"
                      + " train it with multi:softprob (XGBClassifier's default)");
          default -> Task.REGRESSION;
        };
    int classCount =
        switch (task) {
          case BINARY -> 2;
          case MULTICLASS -> numClass;
          case REGRESSION -> 0;
        };
    if (classes.size() != classCount) {
      classes.clear();
      for (int c = 0; c < classCount; c++) {
        classes.add(Integer.toString(c));
      }
    }
    String best = booster.getAttr("best_iteration");
    int bestIteration =
        best != null ? Integer.parseInt(best.trim()) : booster.getNumBoostedRound() - 1;
    return new Manifest(
        Manifest.FORMAT_VERSION,
        task,
        "",
        classes,
        0.5,
        bestIteration,
        Map.of("objective", objective),
        0,
        version.isEmpty()
            ? Map.of("xgboost4j", XgboostModel.XGBOOST4J_VERSION)
            : Map.of("xgboost4j", XgboostModel.XGBOOST4J_VERSION, "xgboost", version),
        Map.of("format", "python-xgboost", "model", modelFile));
  }

  private static String versionOf(JsonNode model) {
    List<String> parts = new ArrayList<>();
    model.path("version").forEach(v -> parts.add(v.asText()));
    return String.join(".", parts);
  }

  private static DataType inputType(String xgboostType) {
    return switch (xgboostType) {
      case "c" -> DataType.STRING;
      case "int" -> DataType.INTEGER;
      case "i" -> DataType.BOOLEAN;
      default -> DataType.DOUBLE;
    };
  }

  @Override
  public Signature signature() {
    return signature;
  }

  /**
   * What the model is, read from the file: the task from its objective, the classes from
   * scikit-learn's attributes (else 0..K-1), the best iteration; the label is unknown ({@code ""}).
   */
  @Override
  public Manifest manifest() {
    return manifest;
  }

  @Override
  public List<Prediction> predict(List<? extends Map<String, ?>> rows) {
    int f = names.length;
    float[] data = new float[Math.multiplyExact(rows.size(), f)];
    for (int r = 0; r < rows.size(); r++) {
      Map<String, ?> row = rows.get(r);
      for (int i = 0; i < f; i++) {
        data[r * f + i] = (float) encode(i, row.get(names[i]));
      }
    }
    List<Prediction> predictions = new ArrayList<>(rows.size());
    for (float[] p : raw(data, rows.size())) {
      predictions.add(XgboostModel.prediction(manifest, p));
    }
    return predictions;
  }

  private double encode(int feature, Object value) {
    Map<String, Integer> coded = codes.get(feature);
    if (coded == null) {
      return RowValues.number(names[feature], value);
    }
    if (value == null) {
      return Double.NaN;
    }
    Integer code = coded.get(value.toString());
    return code == null ? Double.NaN : code;
  }

  /** Whether predictions run on the tree evaluator rather than XGBoost4J. */
  public boolean evaluatesTrees() {
    return trees.isPresent();
  }

  /* XGBoost's output per row: one value, or one probability per class. */
  float[][] raw(float[] data, int rows) {
    if (rows == 0) {
      return new float[0][];
    }
    XgboostModel.checkFinite(data, names.length, i -> names[i]);
    if (trees.isPresent()) {
      return trees.get().predict(data, rows, manifest.bestIteration() + 1);
    }
    DMatrix matrix = null;
    try {
      matrix = new DMatrix(data, rows, names.length, Float.NaN);
      if (namedInModel) {
        matrix.setFeatureNames(names);
        matrix.setFeatureTypes(types);
      }
      synchronized (booster) {
        return booster.predict(matrix, false, treeLimit);
      }
    } catch (XGBoostError e) {
      throw new TrainException("XGBoost failed to predict: " + e.getMessage(), e);
    } finally {
      if (matrix != null) {
        matrix.dispose();
      }
    }
  }

  /** Writes the model file it was loaded from and its {@link #FEATURES}, as they were. */
  @Override
  public void save(Path directory) {
    requireNonNull(directory, "directory is null");
    try {
      Files.createDirectories(directory);
      ModelFiles.write(directory.resolve(modelFile), bytes);
      if (features.length > 0) {
        ModelFiles.write(directory.resolve(FEATURES), features);
      }
    } catch (IOException e) {
      throw new TrainException("cannot save the model to " + directory + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    booster.dispose();
  }
}
