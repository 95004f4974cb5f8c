package dev.tend.train.model;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;
import dev.tend.train.TrainException;
import dev.tend.train.preprocess.Encoder;
import dev.tend.train.preprocess.Preprocessing;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model backed by an XGBoost booster and the preprocessing it was trained with. Predictions use
 * the trees up to {@link Manifest#bestIteration()}, evaluated by a {@link TreeEnsemble} compiled
 * from the booster's JSON; a model the evaluator does not support, or any model when the system
 * property {@value #RUNTIME_PROPERTY} is {@code xgboost4j}, predicts with XGBoost4J instead. The
 * booster is kept for saving.
 *
 * <p>Thread-safe: the tree evaluator needs no lock; predictions on the booster are serialized.
 */
public final class XgboostModel implements Model {
  /** The XGBoost4J version the pom pins (its jar does not say). */
  public static final String XGBOOST4J_VERSION = "3.4.0";

  /**
   * The system property choosing how XGBoost models predict: {@code trees} (the default, Tend's
   * tree evaluator where it supports the model) or {@code xgboost4j} (always the native booster).
   */
  public static final String RUNTIME_PROPERTY = "tend.xgboost.runtime";

  private static final Logger LOG = LoggerFactory.getLogger(XgboostModel.class);

  private final Booster booster;
  private final byte[] bytes;
  private final Preprocessing preprocessing;
  private final Encoder encoder;
  private final Manifest manifest;
  private final Signature signature;
  private final Optional<TreeEnsemble> trees;

  private XgboostModel(
      Booster booster,
      byte[] bytes,
      Preprocessing preprocessing,
      Manifest manifest,
      boolean treeEvaluator) {
    this.booster = booster;
    this.bytes = bytes;
    this.preprocessing = preprocessing;
    this.encoder = new Encoder(preprocessing);
    this.manifest = manifest;
    this.signature = new Signature(preprocessing.inputs(), outputs(manifest));
    this.trees =
        treeEvaluator
            ? compile(booster, manifest.bestIteration() + 1, preprocessing.featureNames().length)
            : Optional.empty();
  }

  /**
   * A model from XGBoost's UBJSON model bytes, its preprocessing and manifest.
   *
   * @throws TrainException if XGBoost cannot read the bytes
   */
  public static XgboostModel of(byte[] ubjson, Preprocessing preprocessing, Manifest manifest) {
    return of(ubjson, preprocessing, manifest, treeEvaluatorByDefault());
  }

  /**
   * Like {@link #of(byte[], Preprocessing, Manifest)}, choosing the runtime: {@code treeEvaluator}
   * false predicts with XGBoost4J always (to compare the two).
   */
  public static XgboostModel of(
      byte[] ubjson, Preprocessing preprocessing, Manifest manifest, boolean treeEvaluator) {
    requireNonNull(preprocessing, "preprocessing is null");
    requireNonNull(manifest, "manifest is null");
    Booster booster;
    try {
      booster = XGBoost.loadModel(ubjson);
    } catch (XGBoostError | java.io.IOException e) {
      throw new TrainException("XGBoost cannot read the model: " + e.getMessage(), e);
    }
    try {
      return new XgboostModel(booster, ubjson.clone(), preprocessing, manifest, treeEvaluator);
    } catch (RuntimeException e) {
      booster.dispose();
      throw e;
    }
  }

  /* Whether RUNTIME_PROPERTY leaves the tree evaluator on. */
  static boolean treeEvaluatorByDefault() {
    String runtime = System.getProperty(RUNTIME_PROPERTY, "trees");
    return switch (runtime) {
      case "trees" -> true;
      case "xgboost4j" -> false;
      default ->
          throw new TrainException(
              RUNTIME_PROPERTY + " is \"" + runtime + "\"; expected trees or xgboost4j");
    };
  }

  /*
   * The booster's trees for the evaluator, or empty (and why, in the debug log) when it does not
   * support the model or the model disagrees with what the caller feeds it.
   */
  static Optional<TreeEnsemble> compile(Booster booster, int iterations, int features) {
    try {
      TreeEnsemble trees = TreeEnsemble.compile(booster.toByteArray("json"));
      if (trees.features() != features) {
        throw new TreeEnsemble.Unsupported(
            "the model reads " + trees.features() + " features, its inputs encode " + features);
      }
      if (iterations > trees.iterations()) {
        throw new TreeEnsemble.Unsupported(
            "it predicts with " + iterations + " rounds of " + trees.iterations());
      }
      return Optional.of(trees);
    } catch (TreeEnsemble.Unsupported e) {
      LOG.debug("XGBoost4J predicts this model, the tree evaluator cannot: {}", e.getMessage());
      return Optional.empty();
    } catch (XGBoostError e) {
      throw new TrainException("XGBoost cannot export the model: " + e.getMessage(), e);
    }
  }

  /* Infinite values have no place in a tree split; XGBoost refuses them too. */
  static void checkFinite(float[] data, int features, java.util.function.IntFunction<String> name) {
    for (int i = 0; i < data.length; i++) {
      if (Float.isInfinite(data[i])) {
        throw new IllegalArgumentException(
            "feature '"
                + name.apply(i % features)
                + "' is "
                + data[i]
                + " (or too large for a float); the model needs a finite number or none");
      }
    }
  }

  /** Whether predictions run on the tree evaluator rather than XGBoost4J. */
  public boolean evaluatesTrees() {
    return trees.isPresent();
  }

  /* Shared with PythonXgboostModel: the outputs and predictions of XGBoost's objectives. */
  static List<Output> outputs(Manifest manifest) {
    List<Output> outputs = new ArrayList<>();
    switch (manifest.task()) {
      case BINARY -> {
        outputs.add(new Output("probability", DataType.DOUBLE));
        outputs.add(new Output("label", DataType.STRING));
      }
      case MULTICLASS -> {
        outputs.add(new Output("label", DataType.STRING));
        for (String c : manifest.classes()) {
          outputs.add(new Output("probability_" + c, DataType.DOUBLE));
        }
      }
      case REGRESSION -> outputs.add(new Output("value", DataType.DOUBLE));
    }
    return outputs;
  }

  @Override
  public Signature signature() {
    return signature;
  }

  @Override
  public Manifest manifest() {
    return manifest;
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** XGBoost's UBJSON model (a copy). */
  public byte[] modelBytes() {
    return bytes.clone();
  }

  @Override
  public List<Prediction> predict(List<? extends Map<String, ?>> rows) {
    int f = encoder.features();
    float[] data = new float[Math.multiplyExact(rows.size(), f)];
    Object[] inputs = new Object[preprocessing.inputs().size()];
    for (int r = 0; r < rows.size(); r++) {
      Map<String, ?> row = rows.get(r);
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = row.get(preprocessing.inputs().get(i).name());
      }
      encoder.encode(inputs, data, r * f);
    }
    return predictEncoded(data, rows.size());
  }

  /** Predicts rows already encoded by this model's preprocessing, row-major. */
  public List<Prediction> predictEncoded(float[] data, int rows) {
    float[][] raw = raw(data, rows);
    List<Prediction> predictions = new ArrayList<>(rows);
    for (float[] p : raw) {
      predictions.add(prediction(manifest, p));
    }
    return predictions;
  }

  /** XGBoost's raw output per row: one value, or one probability per class. */
  public float[][] raw(float[] data, int rows) {
    if (rows == 0) {
      return new float[0][];
    }
    checkFinite(data, encoder.features(), i -> preprocessing.featureNames()[i]);
    if (trees.isPresent()) {
      return trees.get().predict(data, rows, manifest.bestIteration() + 1);
    }
    DMatrix matrix = null;
    try {
      matrix = new DMatrix(data, rows, encoder.features(), Float.NaN);
      matrix.setFeatureNames(preprocessing.featureNames());
      matrix.setFeatureTypes(preprocessing.featureTypes());
      synchronized (booster) {
        return booster.predict(matrix, false, manifest.bestIteration() + 1);
      }
    } catch (XGBoostError e) {
      throw new TrainException("XGBoost failed to predict: " + e.getMessage(), e);
    } finally {
      if (matrix != null) {
        matrix.dispose();
      }
    }
  }

  static Prediction prediction(Manifest manifest, float[] p) {
    return switch (manifest.task()) {
      case BINARY -> {
        double probability = p[0];
        yield new Prediction(
            probability,
            Optional.of(manifest.classes().get(probability > manifest.threshold() ? 1 : 0)),
            new double[] {1 - probability, probability});
      }
      case MULTICLASS -> {
        double[] probabilities = new double[p.length];
        int best = 0;
        for (int c = 0; c < p.length; c++) {
          probabilities[c] = p[c];
          if (p[c] > p[best]) {
            best = c;
          }
        }
        yield new Prediction(
            probabilities[best], Optional.of(manifest.classes().get(best)), probabilities);
      }
      case REGRESSION -> new Prediction(p[0], Optional.empty(), new double[0]);
    };
  }

  @Override
  public void save(Path directory) {
    ModelFiles.save(directory, bytes, preprocessing, manifest);
  }

  @Override
  public void close() {
    booster.dispose();
  }
}
