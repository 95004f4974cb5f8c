package dev.tend.train;

import dev.tend.engine.Dataset;
import dev.tend.evaluation.BinaryEvaluation;
import dev.tend.evaluation.MulticlassEvaluation;
import dev.tend.evaluation.RegressionAccumulator;
import dev.tend.expr.Expr;
import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import dev.tend.source.DataException;
import dev.tend.train.model.Manifest;
import dev.tend.train.model.Task;
import dev.tend.train.model.XgboostModel;
import dev.tend.train.preprocess.Feature;
import dev.tend.train.preprocess.Input;
import dev.tend.train.preprocess.Preprocessing;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * Trains an XGBoost model on a dataset: one streamed scan encodes rows into per-split float
 * matrices (categories are dictionary-coded on the fly and get their final codes from the training
 * rows' frequencies afterwards), then XGBoost boosts with early stopping on the validation rows and
 * the holdout is evaluated. Equal data in equal order with equal options gives a model that makes
 * bit-identical predictions.
 */
public final class Trainer {
  /** Version of XGBoost4J recorded in manifests. */
  public static final String XGBOOST_VERSION = XgboostModel.XGBOOST4J_VERSION;

  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private Trainer() {}

  /**
   * @throws TrainException if the options do not fit the dataset or XGBoost fails
   * @throws DataException if the dataset cannot be read
   */
  public static TrainingResult train(Dataset dataset, TrainOptions options) {
    return train(dataset, options, Optional.empty());
  }

  /**
   * Trains on the rows {@code where} accepts (for example {@code date < '2001-02-01'}).
   *
   * @throws TrainException if the options do not fit the dataset or XGBoost fails
   * @throws DataException if the dataset cannot be read
   */
  public static TrainingResult train(Dataset dataset, TrainOptions options, Optional<Expr> where) {
    Schema schema = dataset.schema();
    Preprocessing derived;
    try {
      derived = Preprocessing.derive(schema, options.features(), options.dateParts().orElse(null));
    } catch (IllegalArgumentException e) {
      throw new TrainException(e.getMessage(), e);
    }
    Column label = column(schema, options.label().column(), "label");
    checkLabel(options.task(), options.label(), label);
    List<String> scanned = new ArrayList<>(options.features());
    scanned.add(label.name());
    int splitIndex = -1;
    if (options.split() instanceof Split.ByTime byTime) {
      Column time = column(schema, byTime.column(), "split");
      if (!time.type().isTemporal()) {
        throw new TrainException(
            "the split column '"
                + time.name()
                + "' must be a date or timestamp, not "
                + time.type().label());
      }
      splitIndex = scanned.indexOf(time.name());
      if (splitIndex < 0) {
        scanned.add(time.name());
        splitIndex = scanned.size() - 1;
      }
    }
    Rows rows = new Rows(options, derived, splitIndex);
    long start = System.nanoTime();
    dataset.scanRows(scanned, where, rows::accept);
    long scanNanos = System.nanoTime() - start;
    long fixStart = System.nanoTime();
    Preprocessing preprocessing = rows.finish();
    Duration preprocess = Duration.ofNanos(rows.encodeNanos + System.nanoTime() - fixStart);
    Duration read = Duration.ofNanos(scanNanos).minus(Duration.ofNanos(rows.encodeNanos));
    return boostAndEvaluate(options, preprocessing, rows, read, preprocess);
  }

  /** The named column; a TrainException naming its role and the dataset's columns if absent. */
  static Column column(Schema schema, String name, String role) {
    return schema
        .column(name)
        .orElseThrow(
            () ->
                new TrainException(
                    "the "
                        + role
                        + " column '"
                        + name
                        + "' is not in the dataset; its columns are "
                        + schema.names()));
  }

  /** Refuses a label column whose type does not fit {@code task}. */
  static void checkLabel(Task task, Label rule, Column label) {
    DataType type = label.type();
    boolean fits =
        switch (task) {
          case BINARY ->
              rule.greaterThan().isPresent()
                  ? type.isNumeric()
                  : type == DataType.BOOLEAN || type == DataType.INTEGER;
          case MULTICLASS ->
              type == DataType.STRING || type == DataType.INTEGER || type == DataType.BOOLEAN;
          case REGRESSION -> type.isNumeric();
        };
    if (!fits) {
      throw new TrainException(
          "the label column '"
              + label.name()
              + "' is "
              + type.label()
              + ", which does not fit a "
              + task.name().toLowerCase(java.util.Locale.ROOT)
              + " task: binary needs a boolean or 0/1 integer (or a number with a 'greater than'"
              + " rule), multiclass a string or integer, regression a number");
    }
  }

  private static TrainingResult boostAndEvaluate(
      TrainOptions options,
      Preprocessing preprocessing,
      Rows rows,
      Duration read,
      Duration preprocess) {
    if (rows.train.labels.size() == 0 || rows.validation.labels.size() == 0) {
      throw new TrainException(
          "training needs rows in both the training and the validation split; got "
              + rows.train.labels.size()
              + " and "
              + rows.validation.labels.size()
              + " (check the split dates or fractions)");
    }
    if (options.task() != Task.REGRESSION && rows.distinctTrainLabels() < 2) {
      throw new TrainException(
          "the training rows hold only one class of '"
              + options.label().describe()
              + "'; a classifier needs at least two");
    }
    long trainStart = System.nanoTime();
    Map<String, Object> params = new LinkedHashMap<>(options.hyperParameters().xgboost());
    switch (options.task()) {
      case BINARY -> params.put("objective", "binary:logistic");
      case MULTICLASS -> {
        params.put("objective", "multi:softprob");
        params.put("num_class", rows.classes.size());
      }
      case REGRESSION -> params.put("objective", "reg:squarederror");
    }
    params.put(
        "eval_metric",
        options.hyperParameters().evalMetric().orElse(defaultMetric(options.task())));
    params.put("seed", options.seed());
    byte[] bytes;
    Boosted boosted;
    DMatrix train = null;
    DMatrix validation = null;
    Booster booster = null;
    try {
      train = rows.train.matrix(preprocessing);
      validation = rows.validation.matrix(preprocessing);
      // XGBoost.train with no rounds only builds the booster (its constructor is not public).
      // boost() runs the rounds: XGBoost.train would print every round to standard error.
      booster =
          XGBoost.train(train, params, 0, Map.of("validation", validation), null, null, null, 0);
      boosted = boost(booster, train, validation, params, options.hyperParameters());
      bytes = booster.toByteArray("ubj");
    } catch (XGBoostError e) {
      throw new TrainException("XGBoost failed to train: " + e.getMessage(), e);
    } finally {
      if (booster != null) {
        booster.dispose();
      }
      if (train != null) {
        train.dispose();
      }
      if (validation != null) {
        validation.dispose();
      }
    }
    int bestIteration = boosted.bestIteration();
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("trainRows", Integer.toString(rows.train.labels.size()));
    provenance.put("validationRows", Integer.toString(rows.validation.labels.size()));
    provenance.put("testRows", Integer.toString(rows.test.labels.size()));
    provenance.put("skippedRows", Long.toString(rows.skipped));
    provenance.put("boostedRounds", Integer.toString(boosted.rounds()));
    provenance.put("split", options.split().toString());
    Map<String, String> parameters = new LinkedHashMap<>();
    params.forEach((k, v) -> parameters.put(k, v.toString()));
    Manifest manifest =
        new Manifest(
            Manifest.FORMAT_VERSION,
            options.task(),
            options.label().describe(),
            rows.classes,
            options.threshold(),
            bestIteration,
            parameters,
            options.seed(),
            Map.of("xgboost4j", XGBOOST_VERSION),
            provenance);
    XgboostModel model = XgboostModel.of(bytes, preprocessing, manifest);
    Duration trained = Duration.ofNanos(System.nanoTime() - trainStart);

    long evaluateStart = System.nanoTime();
    Part holdout = rows.test.labels.size() > 0 ? rows.test : rows.validation;
    int n = holdout.labels.size();
    float[][] raw = model.raw(holdout.features.toArray(), n);
    TrainingResult result =
        switch (options.task()) {
          case BINARY -> {
            boolean[] actual = new boolean[n];
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
              actual[i] = holdout.labels.get(i) == 1f;
              p[i] = raw[i][0];
            }
            yield result(
                model,
                Optional.of(BinaryEvaluation.evaluate(actual, p, options.threshold(), 10)),
                Optional.empty(),
                Optional.empty(),
                rows);
          }
          case MULTICLASS -> {
            int[] actual = new int[n];
            double[][] p = new double[n][];
            for (int i = 0; i < n; i++) {
              actual[i] = (int) holdout.labels.get(i);
              p[i] = new double[raw[i].length];
              for (int c = 0; c < raw[i].length; c++) {
                p[i][c] = raw[i][c];
              }
            }
            yield result(
                model,
                Optional.empty(),
                Optional.of(MulticlassEvaluation.evaluate(actual, p)),
                Optional.empty(),
                rows);
          }
          case REGRESSION -> {
            double[] actual = new double[n];
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
              actual[i] = holdout.labels.get(i);
              p[i] = raw[i][0];
            }
            yield result(
                model,
                Optional.empty(),
                Optional.empty(),
                Optional.of(RegressionAccumulator.evaluate(actual, p)),
                rows);
          }
        };
    Duration evaluated = Duration.ofNanos(System.nanoTime() - evaluateStart);
    return new TrainingResult(
        result.model(),
        result.binary(),
        result.multiclass(),
        result.regression(),
        result.trainRows(),
        result.validationRows(),
        result.testRows(),
        result.skippedRows(),
        boosted.rounds(),
        new Timings(read, preprocess, trained, evaluated));
  }

  private static TrainingResult result(
      XgboostModel model,
      Optional<dev.tend.evaluation.BinaryMetrics> binary,
      Optional<dev.tend.evaluation.MulticlassMetrics> multiclass,
      Optional<dev.tend.evaluation.RegressionMetrics> regression,
      Rows rows) {
    return new TrainingResult(
        model,
        binary,
        multiclass,
        regression,
        rows.train.labels.size(),
        rows.validation.labels.size(),
        rows.test.labels.size(),
        rows.skipped,
        0,
        new Timings(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO));
  }

  /** Rounds boosted and the best of them, by the validation metric. */
  private record Boosted(int rounds, int bestIteration) {}

  /**
   * Boosts up to {@code rounds} rounds and stops once {@code earlyStoppingRounds} rounds in a row
   * brought no better validation metric than the best so far (strictly better, as XGBoost's own
   * loops judge it). Each round's metric goes to the debug log, never to the console.
   */
  private static Boosted boost(
      Booster booster,
      DMatrix train,
      DMatrix validation,
      Map<String, Object> params,
      HyperParameters hyperParameters)
      throws XGBoostError {
    DMatrix[] watched = {validation};
    String[] names = {"validation"};
    float[] score = new float[1];
    boolean maximize = false;
    float best = Float.NaN;
    int bestIteration = 0;
    int boosted = 0;
    for (int round = 0; round < hyperParameters.rounds(); round++) {
      if (Thread.currentThread().isInterrupted()) {
        throw new TrainException("training was interrupted after " + round + " rounds");
      }
      booster.update(train, round);
      String info = booster.evalSet(watched, names, round, score);
      boosted = round + 1;
      LOG.debug("round {}: {}", round, info);
      if (round == 0) {
        maximize = XGBoost.isMaximizeEvaluation(info, names, params);
      }
      if (round == 0 || (maximize ? score[0] > best : score[0] < best)) {
        best = score[0];
        bestIteration = round;
      } else if (round - bestIteration >= hyperParameters.earlyStoppingRounds()) {
        break;
      }
    }
    booster.setAttr("best_iteration", Integer.toString(bestIteration));
    booster.setAttr("best_score", Float.toString(best));
    LOG.debug("boosted {} rounds, best {} ({})", boosted, bestIteration, best);
    return new Boosted(boosted, bestIteration);
  }

  private static String defaultMetric(Task task) {
    return switch (task) {
      case BINARY -> "logloss";
      case MULTICLASS -> "mlogloss";
      case REGRESSION -> "rmse";
    };
  }

  /** The encoded rows of one split, row-major. */
  private static final class Part {
    final FloatBuffer features = new FloatBuffer();
    final FloatBuffer labels = new FloatBuffer();

    DMatrix matrix(Preprocessing preprocessing) throws XGBoostError {
      DMatrix matrix =
          new DMatrix(
              features.toArray(), labels.size(), preprocessing.features().size(), Float.NaN);
      matrix.setLabel(labels.toArray());
      matrix.setFeatureNames(preprocessing.featureNames());
      matrix.setFeatureTypes(preprocessing.featureTypes());
      return matrix;
    }
  }

  /*
   * The scan's sink. Categorical values are stored as dictionary ids (first seen = 0) while
   * scanning, counted on training rows, and rewritten to their final codes in finish(). Ids are
   * exact in a float up to 2^24 distinct values per column. Multiclass labels likewise.
   */
  private static final class Rows {
    final TrainOptions options;
    final Preprocessing derived;
    final int labelIndex;
    final int splitIndex;
    final List<Feature> features;
    final int[] inputOf;
    final Part train = new Part();
    final Part validation = new Part();
    final Part test = new Part();
    final List<Map<String, Integer>> dictionaries = new ArrayList<>();
    final List<List<String>> values = new ArrayList<>();
    final List<long[]> trainCounts = new ArrayList<>();
    final Map<String, Integer> labelIds = new HashMap<>();
    final List<Object> labelValues = new ArrayList<>();
    final boolean[] trainLabelSeen = new boolean[2];
    List<String> classes = List.of();
    long row;
    long skipped;
    long encodeNanos;

    Rows(TrainOptions options, Preprocessing derived, int splitIndex) {
      this.options = options;
      this.derived = derived;
      this.labelIndex = options.features().size();
      this.splitIndex = splitIndex;
      this.features = derived.features();
      this.inputOf = new int[features.size()];
      List<String> inputs = derived.inputs().stream().map(Input::name).toList();
      for (int f = 0; f < features.size(); f++) {
        inputOf[f] = inputs.indexOf(features.get(f).column());
        dictionaries.add(new HashMap<>());
        values.add(new ArrayList<>());
        trainCounts.add(new long[16]);
      }
    }

    void accept(Object[] row) {
      long start = System.nanoTime();
      long index = this.row++;
      Object labelValue = row[labelIndex];
      Part split = split(row, index);
      if (labelValue == null || split == null) {
        skipped++;
        encodeNanos += System.nanoTime() - start;
        return;
      }
      float label = label(labelValue, index);
      split.labels.add(label);
      if (split == train && options.task() == Task.BINARY) {
        trainLabelSeen[(int) label] = true;
      }
      for (int f = 0; f < features.size(); f++) {
        Object value = row[inputOf[f]];
        float x;
        if (value == null) {
          x = Float.NaN;
        } else {
          x =
              switch (features.get(f)) {
                case Feature.Numeric n ->
                    (float)
                        (value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue());
                case Feature.DatePartOf d -> d.part().of((Long) value);
                case Feature.Categorical c -> categoryId(f, value.toString(), split == train);
              };
        }
        split.features.add(x);
      }
      encodeNanos += System.nanoTime() - start;
    }

    private Part split(Object[] row, long index) {
      return switch (options.split()) {
        case Split.Random random -> {
          double u = uniform(options.seed(), index);
          yield u < random.testFraction()
              ? test
              : u < random.testFraction() + random.validationFraction() ? validation : train;
        }
        case Split.ByTime byTime -> {
          Object time = row[splitIndex];
          if (time == null) {
            yield null;
          }
          long micros = (Long) time;
          yield micros < micros(byTime.validationFrom())
              ? train
              : micros < micros(byTime.testFrom()) ? validation : test;
        }
      };
    }

    private static long micros(java.time.LocalDateTime t) {
      return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
    }

    private float label(Object value, long index) {
      return switch (options.task()) {
        case BINARY -> positive(options.label(), value, index) ? 1 : 0;
        case MULTICLASS -> {
          String key = value.toString();
          Integer id = labelIds.get(key);
          if (id == null) {
            id = labelIds.size();
            labelIds.put(key, id);
            labelValues.add(value);
          }
          yield id;
        }
        case REGRESSION -> (float) ((Number) value).doubleValue();
      };
    }

    private float categoryId(int f, String value, boolean training) {
      Map<String, Integer> dictionary = dictionaries.get(f);
      Integer id = dictionary.get(value);
      if (id == null) {
        id = dictionary.size();
        dictionary.put(value, id);
        values.get(f).add(value);
      }
      if (training) {
        long[] counts = trainCounts.get(f);
        if (id >= counts.length) {
          counts = java.util.Arrays.copyOf(counts, Math.max(id + 1, counts.length * 2));
          trainCounts.set(f, counts);
        }
        counts[id]++;
      }
      return id;
    }

    int distinctTrainLabels() {
      if (options.task() == Task.BINARY) {
        return (trainLabelSeen[0] ? 1 : 0) + (trainLabelSeen[1] ? 1 : 0);
      }
      java.util.Set<Float> seen = new java.util.HashSet<>();
      for (int i = 0; i < train.labels.size() && seen.size() < 2; i++) {
        seen.add(train.labels.get(i));
      }
      return seen.size();
    }

    /** Fixes category codes and class order; returns the final preprocessing. */
    Preprocessing finish() {
      Map<String, List<String>> categories = new HashMap<>();
      int width = features.size();
      for (int f = 0; f < width; f++) {
        if (!(features.get(f) instanceof Feature.Categorical c)) {
          continue;
        }
        List<String> seen = values.get(f);
        long[] counts = trainCounts.get(f);
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < seen.size(); id++) {
          if (id < counts.length && counts[id] >= options.minCategoryCount()) {
            ids.add(id);
          }
        }
        ids.sort(
            Comparator.<Integer>comparingLong(id -> -counts[id]).thenComparing(id -> seen.get(id)));
        List<Integer> kept = ids.subList(0, Math.min(ids.size(), options.maxCategories()));
        float[] code = new float[seen.size()];
        List<String> names = new ArrayList<>();
        for (int k = 0; k < kept.size(); k++) {
          code[kept.get(k)] = k + 1;
          names.add(seen.get(kept.get(k)));
        }
        categories.put(c.name(), names);
        for (Part split : List.of(train, validation, test)) {
          for (int i = f; i < split.features.size(); i += width) {
            float id = split.features.get(i);
            if (!Float.isNaN(id)) {
              split.features.set(i, code[(int) id]);
            }
          }
        }
      }
      switch (options.task()) {
        case BINARY -> classes = List.of("false", "true");
        case MULTICLASS -> {
          List<Integer> order = new ArrayList<>();
          for (int id = 0; id < labelValues.size(); id++) {
            order.add(id);
          }
          order.sort(
              (a, b) -> {
                Object x = labelValues.get(a);
                Object y = labelValues.get(b);
                if (x instanceof Long l && y instanceof Long m) {
                  return Long.compare(l, m);
                }
                return x.toString().compareTo(y.toString());
              });
          float[] code = new float[order.size()];
          List<String> names = new ArrayList<>();
          for (int k = 0; k < order.size(); k++) {
            code[order.get(k)] = k;
            names.add(labelValues.get(order.get(k)).toString());
          }
          classes = List.copyOf(names);
          for (Part split : List.of(train, validation, test)) {
            for (int i = 0; i < split.labels.size(); i++) {
              split.labels.set(i, code[(int) split.labels.get(i)]);
            }
          }
        }
        case REGRESSION -> classes = List.of();
      }
      return derived.withCategories(categories);
    }
  }

  /**
   * Whether a binary label value (checked by {@link #checkLabel}) is the positive class.
   *
   * @param index the value's 0-based row in the scan, for the message
   * @throws TrainException if an integer label is neither 0 nor 1
   */
  static boolean positive(Label label, Object value, long index) {
    if (label.greaterThan().isPresent()) {
      return ((Number) value).doubleValue() > label.greaterThan().getAsDouble();
    }
    if (value instanceof Boolean b) {
      return b;
    }
    long l = (Long) value;
    if (l != 0 && l != 1) {
      throw new TrainException(
          "row "
              + (index + 1)
              + ": the binary label '"
              + label.column()
              + "' is "
              + l
              + "; integers must be 0 or 1 (or give a 'greater than' rule)");
    }
    return l == 1;
  }

  /** A uniform number in [0, 1) from SplitMix64 of the seed and the row index. */
  static double uniform(long seed, long index) {
    long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }
}
