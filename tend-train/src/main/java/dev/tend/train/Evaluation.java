package dev.tend.train;

import static java.util.Objects.requireNonNull;

import dev.tend.evaluation.BinaryMetrics;
import dev.tend.evaluation.CalibrationBins;
import dev.tend.evaluation.MetricValue;
import dev.tend.evaluation.MulticlassMetrics;
import dev.tend.evaluation.RegressionMetrics;
import dev.tend.train.model.Task;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A saved model's quality on a dataset's rows, as {@link Evaluator} computes it. Exactly one of
 * {@code binary}, {@code multiclass} and {@code regression} is present, by task; {@code metrics}
 * holds their defined values under these keys (a metric that is undefined, such as ROC AUC when
 * only one class occurs, is left out rather than given as NaN):
 *
 * <ul>
 *   <li>binary: {@code accuracy}, {@code precision}, {@code recall}, {@code f1} (of the positive
 *       class at the model's threshold), {@code roc_auc}, {@code average_precision} (PR AUC),
 *       {@code log_loss}, {@code brier}, {@code expected_calibration_error} (over {@code
 *       calibration}'s bins);
 *   <li>multiclass: {@code accuracy}, {@code f1_macro}, {@code f1_weighted}, {@code roc_auc}
 *       (one-vs-rest, only when every class occurs), {@code log_loss};
 *   <li>regression: {@code mae}, {@code rmse}, {@code r2}, {@code mape}.
 * </ul>
 *
 * These are the names under which the server logs a training run's holdout metrics, so an
 * evaluation compares with a run key by key.
 *
 * @param task the model's task
 * @param rows rows evaluated
 * @param skippedRows rows left out because their label was missing
 * @param metrics the defined metrics by key, sorted
 * @param calibration binary: the non-empty reliability bins of 10; empty for other tasks
 * @param segmentColumn the column rows were segmented by, when asked
 * @param segments each reported segment by its value ({@code (missing)} for null, {@link
 *     Evaluator#OTHER_SEGMENT} for the rows of segments beyond the largest {@link
 *     Evaluator#MAX_SEGMENTS}); empty without a segment column
 */
public record Evaluation(
    Task task,
    long rows,
    long skippedRows,
    SortedMap<String, Double> metrics,
    Optional<BinaryMetrics> binary,
    Optional<MulticlassMetrics> multiclass,
    Optional<RegressionMetrics> regression,
    List<CalibrationBins.Bin> calibration,
    Optional<String> segmentColumn,
    SortedMap<String, Segment> segments,
    Timings timings) {
  public Evaluation {
    requireNonNull(task, "task is null");
    metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
    requireNonNull(binary, "binary is null");
    requireNonNull(multiclass, "multiclass is null");
    requireNonNull(regression, "regression is null");
    calibration = List.copyOf(calibration);
    requireNonNull(segmentColumn, "segmentColumn is null");
    segments = Collections.unmodifiableSortedMap(new TreeMap<>(segments));
    requireNonNull(timings, "timings is null");
  }

  /**
   * The metrics of one segment's rows, under the same keys as {@link Evaluation#metrics}.
   *
   * @param rows rows evaluated in the segment
   */
  public record Segment(long rows, SortedMap<String, Double> metrics) {
    public Segment {
      metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
    }
  }

  /**
   * Where evaluation time went.
   *
   * @param read scanning the dataset, excluding {@code predict}
   * @param predict encoding rows into features and predicting them
   * @param metrics computing the metrics, segments included
   */
  public record Timings(Duration read, Duration predict, Duration metrics) {
    public Timings {
      requireNonNull(read, "read is null");
      requireNonNull(predict, "predict is null");
      requireNonNull(metrics, "metrics is null");
    }

    public Duration total() {
      return read.plus(predict).plus(metrics);
    }
  }

  /** The defined binary metrics under the keys listed on {@link Evaluation}. */
  public static SortedMap<String, Double> definedMetrics(BinaryMetrics m) {
    SortedMap<String, Double> out = new TreeMap<>();
    put(out, "accuracy", m.accuracy());
    put(out, "precision", m.precision());
    put(out, "recall", m.recall());
    put(out, "f1", m.f1());
    put(out, "roc_auc", m.rocAuc());
    put(out, "average_precision", m.averagePrecision());
    put(out, "log_loss", m.logLoss());
    put(out, "brier", m.brier());
    put(out, "expected_calibration_error", m.expectedCalibrationError());
    return out;
  }

  /** The defined multiclass metrics under the keys listed on {@link Evaluation}. */
  public static SortedMap<String, Double> definedMetrics(MulticlassMetrics m) {
    SortedMap<String, Double> out = new TreeMap<>();
    put(out, "accuracy", m.accuracy());
    put(out, "f1_macro", m.macro().f1());
    put(out, "f1_weighted", m.weighted().f1());
    put(out, "roc_auc", m.rocAuc());
    put(out, "log_loss", m.logLoss());
    return out;
  }

  /** The defined regression metrics under the keys listed on {@link Evaluation}. */
  public static SortedMap<String, Double> definedMetrics(RegressionMetrics m) {
    SortedMap<String, Double> out = new TreeMap<>();
    put(out, "mae", m.mae());
    put(out, "rmse", m.rmse());
    put(out, "r2", m.r2());
    put(out, "mape", m.mape());
    return out;
  }

  private static void put(SortedMap<String, Double> out, String key, MetricValue value) {
    if (value.isDefined()) {
      out.put(key, value.value());
    }
  }
}
