package dev.tend.train;

import static java.util.Objects.requireNonNull;

import dev.tend.engine.Dataset;
import dev.tend.evaluation.BinaryEvaluation;
import dev.tend.evaluation.BinaryMetrics;
import dev.tend.evaluation.MulticlassEvaluation;
import dev.tend.evaluation.MulticlassMetrics;
import dev.tend.evaluation.RegressionAccumulator;
import dev.tend.evaluation.RegressionMetrics;
import dev.tend.evaluation.Segments;
import dev.tend.expr.Expr;
import dev.tend.expr.ExpressionException;
import dev.tend.expr.ExpressionValidator;
import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import dev.tend.source.DataException;
import dev.tend.train.model.Manifest;
import dev.tend.train.model.Model;
import dev.tend.train.model.Prediction;
import dev.tend.train.model.Task;
import dev.tend.train.model.XgboostModel;
import dev.tend.train.preprocess.Encoder;
import dev.tend.train.preprocess.Input;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Evaluates a trained model on a dataset's rows: one streamed scan reads only the model's input
 * columns, the label and the segment column, predicts in batches of {@link #BATCH_ROWS} rows, and
 * computes exact metrics with {@link dev.tend.evaluation} (ROC AUC and average precision from every
 * score), so a champion and a candidate scored on the same rows compare key by key. Rows whose
 * label is missing are skipped and counted.
 *
 * <p>An {@link XgboostModel} is fed the rows encoded by its own preprocessing, as the trainer
 * evaluates its holdout, which gives the same numbers as {@link Model#predict}; any other model
 * gets rows as maps through {@link Model#predict}. The labels and predictions of all rows are held
 * in memory (8 bytes per row for each of the label and every predicted value).
 *
 * <p>With a segment column, each value's rows are also evaluated apart. Only the {@link
 * #MAX_SEGMENTS} largest segments are reported (ties by value); the rows of all smaller ones are
 * evaluated together as {@link #OTHER_SEGMENT}, and rows whose segment value is null form {@link
 * Segments#MISSING}.
 */
public final class Evaluator {
  /** Rows predicted per batch. */
  public static final int BATCH_ROWS = 8192;

  /** At most this many segments are reported on their own, the ones with the most rows. */
  public static final int MAX_SEGMENTS = 50;

  /** The segment of the rows of all segments beyond {@link #MAX_SEGMENTS}. */
  public static final String OTHER_SEGMENT = "(other)";

  private Evaluator() {}

  /**
   * Evaluates {@code model} on the rows {@code where} accepts.
   *
   * @param label the label column and rule; a binary model takes a boolean or 0/1 integer column,
   *     or a number with a 'greater than' rule, as in training
   * @param segment a column whose values' rows are also evaluated apart
   * @throws TrainException if {@code where} does not fit the dataset, an input, the label or the
   *     segment column is missing, a column's type does not fit the model or its task, a label
   *     value is invalid (a binary integer other than 0 or 1, a class the model does not know), no
   *     row has a label, or prediction fails
   * @throws DataException if the dataset cannot be read
   */
  public static Evaluation evaluate(
      Model model, Dataset data, Label label, Optional<Expr> where, Optional<String> segment) {
    return evaluate(model, data, label, where, segment, BATCH_ROWS, MAX_SEGMENTS);
  }

  static Evaluation evaluate(
      Model model,
      Dataset data,
      Label label,
      Optional<Expr> where,
      Optional<String> segment,
      int batchRows,
      int maxSegments) {
    requireNonNull(model, "model is null");
    requireNonNull(data, "data is null");
    requireNonNull(label, "label is null");
    requireNonNull(where, "where is null");
    requireNonNull(segment, "segment is null");
    Manifest manifest = model.manifest();
    Task task = manifest.task();
    if (label.greaterThan().isPresent() && task != Task.BINARY) {
      throw new TrainException(
          "a 'greater than' label fits a binary model; this model's task is "
              + task.name().toLowerCase(java.util.Locale.ROOT));
    }
    Schema schema = data.schema();
    if (where.isPresent()) {
      try {
        ExpressionValidator.checkPredicate(where.get(), schema);
      } catch (ExpressionException e) {
        throw new TrainException("the where filter does not fit the dataset: " + e.describe(), e);
      }
    }
    List<String> scanned = new ArrayList<>();
    for (Input input : model.signature().inputs()) {
      checkInput(input, Trainer.column(schema, input.name(), "input"));
      scanned.add(input.name());
    }
    Trainer.checkLabel(task, label, Trainer.column(schema, label.column(), "label"));
    int labelIndex = indexOf(scanned, label.column());
    int segmentIndex = -1;
    if (segment.isPresent()) {
      Trainer.column(schema, segment.get(), "segment");
      segmentIndex = indexOf(scanned, segment.get());
    }

    Rows rows = new Rows(model, label, labelIndex, segmentIndex, batchRows);
    long start = System.nanoTime();
    data.scanRows(scanned, where, rows::accept);
    rows.flush();
    long scanNanos = System.nanoTime() - start;
    int n = rows.labels.size();
    if (n == 0) {
      throw new TrainException(
          "no rows to evaluate (" + rows.skipped + " skipped for a missing label)");
    }

    long metricsStart = System.nanoTime();
    Scores all = rows.scores(null);
    SortedMap<String, Evaluation.Segment> segments = new TreeMap<>();
    if (segmentIndex >= 0) {
      for (Map.Entry<String, int[]> group : rows.segmentGroups(maxSegments).entrySet()) {
        int[] members = group.getValue();
        segments.put(
            group.getKey(), new Evaluation.Segment(members.length, rows.scores(members).metrics()));
      }
    }
    Duration metrics = Duration.ofNanos(System.nanoTime() - metricsStart);
    return new Evaluation(
        task,
        n,
        rows.skipped,
        all.metrics(),
        all.binary(),
        all.multiclass(),
        all.regression(),
        all.binary().map(BinaryMetrics::calibration).orElse(List.of()),
        segment,
        segments,
        new Evaluation.Timings(
            Duration.ofNanos(scanNanos - rows.predictNanos),
            Duration.ofNanos(rows.predictNanos),
            metrics));
  }

  /*
   * A scanned input must hold the kind of values the model was trained on: numbers (integers,
   * doubles, booleans) for numeric features, text for categories, dates or timestamps for date
   * parts. Within a kind the encoding is the same (a category's code comes from its text).
   */
  private static void checkInput(Input input, Column column) {
    if (!kind(input.type()).equals(kind(column.type()))) {
      throw new TrainException(
          "the input column '"
              + input.name()
              + "' is "
              + column.type().label()
              + " in the dataset, but the model was trained on "
              + input.type().label()
              + " values ("
              + kind(input.type())
              + ")");
    }
  }

  private static String kind(DataType type) {
    return switch (type) {
      case INTEGER, DOUBLE, BOOLEAN -> "numbers";
      case STRING -> "text";
      case DATE, TIMESTAMP -> "dates or timestamps";
      case OTHER -> "values of another type";
    };
  }

  private static int indexOf(List<String> scanned, String column) {
    int index = scanned.indexOf(column);
    if (index < 0) {
      scanned.add(column);
      index = scanned.size() - 1;
    }
    return index;
  }

  /** The metrics of some rows: exactly one kind is present, by task. */
  private record Scores(
      Optional<BinaryMetrics> binary,
      Optional<MulticlassMetrics> multiclass,
      Optional<RegressionMetrics> regression) {
    SortedMap<String, Double> metrics() {
      return binary
          .map(Evaluation::definedMetrics)
          .or(() -> multiclass.map(Evaluation::definedMetrics))
          .orElseGet(() -> Evaluation.definedMetrics(regression.orElseThrow()));
    }
  }

  /*
   * The scan's sink. Each row with a label adds its label (binary 0/1, multiclass class index,
   * regression value) and, after its batch is predicted, its predicted values (one, or one
   * probability per class) to flat buffers; segments are dictionary ids in first-seen order.
   */
  private static final class Rows {
    final Model model;
    final Task task;
    final Label label;
    final double threshold;
    final int labelIndex;
    final int segmentIndex;
    final int batchRows;
    final int width;
    final Map<String, Integer> classes = new HashMap<>();
    final Optional<XgboostModel> xgboost;
    final Encoder encoder;
    final float[] batch;
    final List<Map<String, Object>> pendingRows = new ArrayList<>();
    final List<String> inputs;
    int pending;
    final DoubleBuffer labels = new DoubleBuffer();
    final DoubleBuffer predictions = new DoubleBuffer();
    final IntBuffer segments = new IntBuffer();
    final Map<String, Integer> segmentIds = new HashMap<>();
    final List<String> segmentValues = new ArrayList<>();
    long scanned;
    long skipped;
    long predictNanos;

    Rows(Model model, Label label, int labelIndex, int segmentIndex, int batchRows) {
      this.model = model;
      this.task = model.manifest().task();
      this.label = label;
      this.threshold = model.manifest().threshold();
      this.labelIndex = labelIndex;
      this.segmentIndex = segmentIndex;
      this.batchRows = batchRows;
      List<String> names = model.manifest().classes();
      for (int c = 0; c < names.size(); c++) {
        classes.put(names.get(c), c);
      }
      this.width = task == Task.MULTICLASS ? names.size() : 1;
      this.inputs = model.signature().inputs().stream().map(Input::name).toList();
      this.xgboost = model instanceof XgboostModel x ? Optional.of(x) : Optional.empty();
      this.encoder = xgboost.map(x -> new Encoder(x.preprocessing())).orElse(null);
      this.batch =
          encoder == null ? null : new float[Math.multiplyExact(batchRows, encoder.features())];
    }

    void accept(Object[] row) {
      long index = scanned++;
      Object value = row[labelIndex];
      if (value == null) {
        skipped++;
        return;
      }
      labels.add(label(value, index));
      if (segmentIndex >= 0) {
        segments.add(segmentId(row[segmentIndex]));
      }
      long start = System.nanoTime();
      try {
        if (encoder != null) {
          // The scan's first columns are the inputs, in the order the encoder reads them.
          encoder.encode(row, batch, pending * encoder.features());
        } else {
          Map<String, Object> values = new HashMap<>();
          for (int i = 0; i < inputs.size(); i++) {
            values.put(inputs.get(i), row[i]);
          }
          pendingRows.add(values);
        }
      } catch (IllegalArgumentException e) {
        throw new TrainException("row " + (index + 1) + ": " + e.getMessage(), e);
      }
      pending++;
      predictNanos += System.nanoTime() - start;
      if (pending == batchRows) {
        flush();
      }
    }

    private double label(Object value, long index) {
      return switch (task) {
        case BINARY -> Trainer.positive(label, value, index) ? 1 : 0;
        case MULTICLASS -> {
          Integer c = classes.get(value.toString());
          if (c == null) {
            throw new TrainException(
                "row "
                    + (index + 1)
                    + ": the label '"
                    + label.column()
                    + "' is '"
                    + value
                    + "', which is not one of the model's classes "
                    + model.manifest().classes()
                    + "; leave such rows out with a where filter");
          }
          yield c;
        }
        case REGRESSION -> {
          double y = ((Number) value).doubleValue();
          if (!Double.isFinite(y)) {
            throw new TrainException(
                "row "
                    + (index + 1)
                    + ": the label '"
                    + label.column()
                    + "' is "
                    + y
                    + "; a regression label must be a finite number");
          }
          yield y;
        }
      };
    }

    private int segmentId(Object value) {
      String name = value == null ? Segments.MISSING : value.toString();
      Integer id = segmentIds.get(name);
      if (id == null) {
        id = segmentIds.size();
        segmentIds.put(name, id);
        segmentValues.add(name);
      }
      return id;
    }

    /** Predicts the pending rows and appends their predicted values. */
    void flush() {
      if (pending == 0) {
        return;
      }
      long start = System.nanoTime();
      if (encoder != null) {
        int f = encoder.features();
        float[] data = pending == batchRows ? batch : Arrays.copyOf(batch, pending * f);
        for (float[] p : xgboost.orElseThrow().raw(data, pending)) {
          check(p.length);
          for (float v : p) {
            predictions.add(v);
          }
        }
      } else {
        for (Prediction p : model.predict(pendingRows)) {
          if (task == Task.MULTICLASS) {
            double[] probabilities = p.probabilities();
            check(probabilities.length);
            for (double v : probabilities) {
              predictions.add(v);
            }
          } else {
            predictions.add(p.value());
          }
        }
        pendingRows.clear();
      }
      pending = 0;
      predictNanos += System.nanoTime() - start;
    }

    private void check(int values) {
      if (values != width) {
        throw new TrainException(
            "the model predicted "
                + values
                + " values per row; its manifest says "
                + width
                + (task == Task.MULTICLASS ? " classes " + model.manifest().classes() : ""));
      }
    }

    /** The metrics of the given rows (indices into the buffers, ascending), or of all rows. */
    Scores scores(int[] rows) {
      int n = rows == null ? labels.size() : rows.length;
      return switch (task) {
        case BINARY -> {
          boolean[] actual = new boolean[n];
          double[] p = new double[n];
          for (int k = 0; k < n; k++) {
            int i = rows == null ? k : rows[k];
            actual[k] = labels.get(i) == 1;
            p[k] = predictions.get(i);
          }
          yield new Scores(
              Optional.of(
                  BinaryEvaluation.evaluate(
                      actual, p, threshold, BinaryEvaluation.CALIBRATION_BINS)),
              Optional.empty(),
              Optional.empty());
        }
        case MULTICLASS -> {
          int[] actual = new int[n];
          double[][] p = new double[n][width];
          for (int k = 0; k < n; k++) {
            int i = rows == null ? k : rows[k];
            actual[k] = (int) labels.get(i);
            for (int c = 0; c < width; c++) {
              p[k][c] = predictions.get(i * width + c);
            }
          }
          yield new Scores(
              Optional.empty(),
              Optional.of(MulticlassEvaluation.evaluate(actual, p)),
              Optional.empty());
        }
        case REGRESSION -> {
          double[] actual = new double[n];
          double[] p = new double[n];
          for (int k = 0; k < n; k++) {
            int i = rows == null ? k : rows[k];
            actual[k] = labels.get(i);
            p[k] = predictions.get(i);
          }
          yield new Scores(
              Optional.empty(),
              Optional.empty(),
              Optional.of(RegressionAccumulator.evaluate(actual, p)));
        }
      };
    }

    /**
     * The rows of each reported segment: the {@code max} largest (ties by value), then the rest
     * together as {@link #OTHER_SEGMENT}.
     */
    Map<String, int[]> segmentGroups(int max) {
      int distinct = segmentValues.size();
      int[] counts = new int[distinct];
      for (int i = 0; i < segments.size(); i++) {
        counts[segments.get(i)]++;
      }
      List<Integer> ids = new ArrayList<>();
      for (int id = 0; id < distinct; id++) {
        ids.add(id);
      }
      ids.sort(
          Comparator.<Integer>comparingInt(id -> -counts[id])
              .thenComparing(id -> segmentValues.get(id)));
      // A value spelled like the other bucket shares its group rather than hiding it.
      Map<String, Integer> groupOf = new LinkedHashMap<>();
      int[] group = new int[distinct];
      for (int k = 0; k < distinct; k++) {
        String name = k < max ? segmentValues.get(ids.get(k)) : OTHER_SEGMENT;
        group[ids.get(k)] = groupOf.computeIfAbsent(name, g -> groupOf.size());
      }
      List<IntBuffer> members = new ArrayList<>();
      for (int g = 0; g < groupOf.size(); g++) {
        members.add(new IntBuffer());
      }
      for (int i = 0; i < segments.size(); i++) {
        members.get(group[segments.get(i)]).add(i);
      }
      Map<String, int[]> groups = new LinkedHashMap<>();
      groupOf.forEach(
          (name, g) -> {
            IntBuffer buffer = members.get(g);
            int[] rows = new int[buffer.size()];
            for (int k = 0; k < rows.length; k++) {
              rows[k] = buffer.get(k);
            }
            groups.put(name, rows);
          });
      return groups;
    }
  }
}
