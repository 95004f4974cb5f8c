package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.expr.Expr;
import dev.tend.expr.ExpressionException;
import dev.tend.expr.Expressions;
import dev.tend.pipeline.Step;
import dev.tend.server.training.TrainingService;
import dev.tend.tracking.KeyValue;
import dev.tend.train.HyperParameters;
import dev.tend.train.Label;
import dev.tend.train.Split;
import dev.tend.train.TrainException;
import dev.tend.train.TrainOptions;
import dev.tend.train.model.Task;
import dev.tend.train.preprocess.DatePart;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code train}: trains the named dataset version (or the union of a window of versions, {@code
 * versions: N}) with the built-in XGBoost trainer and records a child run of the pipeline's tracked
 * run holding the model under {@code model/}, with every version read as its training input.
 * Outputs {@code model} ({@code runs:/<run>/model}), {@code run_id}, the versions read, the holdout
 * {@code metrics} and row counts.
 *
 * <p>A label is a column or {@code column > number}; a feature is a column or a date part of one
 * ({@code hour(date)}, {@code day_of_week(date)}, {@code month(date)}, {@code day_of_month(date)}).
 * A time split's {@code date} starts the holdout; the {@value #DEFAULT_VALIDATION_DAYS} days before
 * it validate (early stopping).
 */
final class TrainStep implements StepAction {
  /** Days of validation rows before a time split's holdout date. */
  static final int DEFAULT_VALIDATION_DAYS = 3;

  private static final Map<String, DatePart> PARTS =
      Map.of(
          "hour", DatePart.HOUR,
          "day_of_week", DatePart.WEEKDAY,
          "weekday", DatePart.WEEKDAY,
          "month", DatePart.MONTH,
          "day_of_month", DatePart.DAY_OF_MONTH);

  private final DatasetResolver datasets;
  private final TrainingService training;

  TrainStep(DatasetResolver datasets, TrainingService training) {
    this.datasets = datasets;
    this.training = training;
  }

  @Override
  public Outcome execute(StepContext context) throws StepFailure {
    Step.Train train = (Step.Train) context.step().body();
    DatasetWindow window = datasets.window(context.project(), train.dataset());
    TrainOptions options = options(train, context.bindings());
    Optional<Expr> where = where(train.where(), context.bindings());
    String label = DatasetResolver.label(train.dataset(), window.newest());
    datasets.recordRead(context, window, "training");
    context.log().info("training on " + window.label() + " (" + window.rows() + " rows)");
    TrainingService.Recorded recorded;
    try {
      recorded =
          training.trainRun(
              new TrainingService.Job(
                  context.project(),
                  context.pipeline().name(),
                  label,
                  window.versions(),
                  where,
                  options,
                  context.actor()),
              new TrainingService.Placement(
                  context.experimentId(),
                  context.pipeline().name() + "-" + context.step().id(),
                  List.of(
                      new KeyValue("mlflow.parentRunId", context.trackingRunId()),
                      new KeyValue(RunRecorder.PIPELINE_TAG, context.pipeline().name()),
                      new KeyValue(RunRecorder.PIPELINE_RUN_TAG, context.run().id()),
                      new KeyValue("tend.pipeline.step", context.step().id()))));
    } catch (TrainException | IllegalArgumentException | dev.tend.source.DataException e) {
      throw StepFailure.of(e.getMessage(), e);
    }
    var result = recorded.result();
    context
        .log()
        .info(
            "trained "
                + result.boostedRounds()
                + " rounds on "
                + result.trainRows()
                + " rows (read "
                + result.timings().read().toMillis()
                + " ms, preprocess "
                + result.timings().preprocess().toMillis()
                + " ms, train "
                + result.timings().train().toMillis()
                + " ms); holdout "
                + recorded.metrics());
    ObjectNode outputs = RunExecution.object();
    String runId = recorded.run().runId();
    outputs.put("model", "runs:/" + runId + "/" + TrainingService.MODEL_PATH);
    outputs.put("run_id", runId);
    window.describe(outputs);
    outputs.put("dataset_rows", window.rows());
    outputs.put("train_rows", result.trainRows());
    outputs.put("validation_rows", result.validationRows());
    outputs.put("test_rows", result.testRows());
    outputs.put("boosted_rounds", result.boostedRounds());
    ObjectNode metrics = outputs.putObject("holdout");
    recorded.metrics().forEach(metrics::put);
    return new Outcome(outputs, Optional.of(runId), Optional.empty());
  }

  static Optional<Expr> where(Optional<String> text, Bindings bindings) throws StepFailure {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    String resolved = bindings.text(text.get());
    try {
      return Optional.of(Expressions.parse(resolved));
    } catch (ExpressionException e) {
      throw StepFailure.of("where '" + resolved + "' is not a valid filter: " + e.getMessage(), e);
    }
  }

  static TrainOptions options(Step.Train train, Bindings bindings) throws StepFailure {
    Task task = Task.valueOf(train.task().name());
    Label label = label(bindings.text(train.label()));
    Set<String> columns = new LinkedHashSet<>();
    Set<DatePart> parts = new LinkedHashSet<>();
    for (String written : train.features()) {
      String feature = bindings.text(written);
      switch (expression(feature, "feature")) {
        case Expr.ColumnRef column -> columns.add(column.name());
        case Expr.Call call
            when call.args().size() == 1 && call.args().getFirst() instanceof Expr.ColumnRef c -> {
          DatePart datePart = PARTS.get(call.function().toLowerCase(java.util.Locale.ROOT));
          if (datePart == null) {
            throw StepFailure.of(
                "feature '"
                    + feature
                    + "': '"
                    + call.function()
                    + "' is not a date part; use one of "
                    + String.join(", ", PARTS.keySet().stream().sorted().toList()));
          }
          columns.add(c.name());
          parts.add(datePart);
        }
        default ->
            throw StepFailure.of(
                "feature '"
                    + feature
                    + "' must be a column or a date part of one, such as hour(date)");
      }
    }
    try {
      TrainOptions options = TrainOptions.of(task, label, new ArrayList<>(columns));
      if (!parts.isEmpty()) {
        options = options.withDateParts(new ArrayList<>(parts));
      }
      options = options.withSplit(split(train.split(), bindings));
      options = options.withHyperParameters(hyperParameters(train.hyperparameters(), bindings));
      if (train.seed().isPresent()) {
        options = options.withSeed(train.seed().getAsLong());
      }
      return options;
    } catch (IllegalArgumentException e) {
      throw StepFailure.of(e.getMessage(), e);
    }
  }

  private static Label label(String text) throws StepFailure {
    Expr expr = expression(text, "label");
    if (expr instanceof Expr.ColumnRef column) {
      return Label.column(column.name());
    }
    if (expr instanceof Expr.Binary binary
        && binary.op() == Expr.BinaryOp.GT
        && binary.left() instanceof Expr.ColumnRef column
        && binary.right() instanceof Expr.Literal literal
        && literal.value() instanceof Number number) {
      return Label.greaterThan(column.name(), number.doubleValue());
    }
    throw StepFailure.of(
        "label '" + text + "' must be a column or column > number, such as delay > 15");
  }

  private static Expr expression(String text, String what) throws StepFailure {
    try {
      return Expressions.parse(text);
    } catch (ExpressionException e) {
      throw StepFailure.of(what + " '" + text + "' is not an expression: " + e.getMessage(), e);
    }
  }

  private static Split split(Step.Split split, Bindings bindings) throws StepFailure {
    if (split.method() == Step.SplitMethod.RANDOM) {
      double test = split.fraction().orElse(0.2);
      return new Split.Random(0.1, test);
    }
    String column = split.column().orElseThrow();
    LocalDateTime holdout = dateTime(bindings.text(split.date().orElseThrow()));
    return new Split.ByTime(column, holdout.minusDays(DEFAULT_VALIDATION_DAYS), holdout);
  }

  private static LocalDateTime dateTime(String text) throws StepFailure {
    try {
      return text.length() <= 10
          ? LocalDate.parse(text).atStartOfDay()
          : LocalDateTime.parse(text.replace(' ', 'T'));
    } catch (DateTimeParseException e) {
      throw StepFailure.of("split date '" + text + "' is not a date (YYYY-MM-DD)", e);
    }
  }

  /** The trainer's settings from the pipeline's names; unknown names are refused. */
  static HyperParameters hyperParameters(Map<String, Object> written, Bindings bindings)
      throws StepFailure {
    Map<String, Object> values = new LinkedHashMap<>();
    for (var entry : written.entrySet()) {
      values.put(entry.getKey(), bindings.value(entry.getValue()));
    }
    HyperParameters d = HyperParameters.defaults();
    try {
      HyperParameters h =
          new HyperParameters(
              intValue(values, "rounds", d.rounds()),
              intValue(values, "early_stopping_rounds", d.earlyStoppingRounds()),
              intValue(values, "max_depth", d.maxDepth()),
              doubleValue(values, List.of("eta", "learning_rate"), d.learningRate()),
              doubleValue(values, List.of("subsample"), d.subsample()),
              doubleValue(values, List.of("colsample_bytree", "column_sample"), d.columnSample()),
              doubleValue(values, List.of("min_child_weight"), d.minChildWeight()),
              doubleValue(values, List.of("lambda", "reg_lambda"), d.lambda()),
              intValue(values, "max_bin", d.maxBin()),
              intValue(values, "max_cat_to_onehot", d.maxCategoriesOneHot()),
              values.containsKey("threads")
                  ? Optional.of(intValue(values, "threads", 0))
                  : d.threads(),
              values.containsKey("eval_metric")
                  ? Optional.of(String.valueOf(values.get("eval_metric")))
                  : d.evalMetric());
      Set<String> known = new LinkedHashSet<>(KNOWN);
      for (String key : values.keySet()) {
        if (!known.contains(key)) {
          throw StepFailure.of(
              "unknown hyperparameter '" + key + "'; known: " + String.join(", ", KNOWN));
        }
      }
      return h;
    } catch (IllegalArgumentException e) {
      throw StepFailure.of("hyperparameters: " + e.getMessage(), e);
    }
  }

  private static final List<String> KNOWN =
      List.of(
          "rounds",
          "early_stopping_rounds",
          "max_depth",
          "eta",
          "learning_rate",
          "subsample",
          "colsample_bytree",
          "column_sample",
          "min_child_weight",
          "lambda",
          "reg_lambda",
          "max_bin",
          "max_cat_to_onehot",
          "threads",
          "eval_metric");

  private static int intValue(Map<String, Object> values, String key, int fallback) {
    Object v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return Math.toIntExact(n.longValue());
    }
    try {
      return Integer.parseInt(String.valueOf(v).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, not '" + v + "'", e);
    }
  }

  private static double doubleValue(
      Map<String, Object> values, List<String> keys, double fallback) {
    for (String key : keys) {
      Object v = values.get(key);
      if (v == null) {
        continue;
      }
      if (v instanceof Number n) {
        return n.doubleValue();
      }
      try {
        return Double.parseDouble(String.valueOf(v).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a number, not '" + v + "'", e);
      }
    }
    return fallback;
  }
}
