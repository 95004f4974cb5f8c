package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.evaluation.BinaryEvaluation;
import dev.tend.evaluation.BinaryMetrics;
import dev.tend.evaluation.MulticlassEvaluation;
import dev.tend.evaluation.MulticlassMetrics;
import dev.tend.evaluation.RegressionAccumulator;
import dev.tend.evaluation.RegressionMetrics;
import dev.tend.evaluation.Segments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Realised performance of a window's labelled predictions, computed exactly by {@code
 * dev.tend.evaluation} ({@link BinaryEvaluation}, {@link MulticlassEvaluation}, {@link
 * RegressionAccumulator}), as points, with {@link MonitorMetric#LABEL_COVERAGE}: labelled rows over
 * the window's rows. The confusion matrix is in the metrics records. Undefined metrics (one class
 * only, no rows) give no point. Stateless and thread-safe.
 */
public final class LabelledFigures {
  private LabelledFigures() {}

  /**
   * Points of binary predictions: accuracy, precision, recall and F1 of the positive class, ROC
   * AUC, log loss and label coverage.
   *
   * @param actual labels of the window's labelled predictions
   * @param probabilities their predicted probabilities of the positive class
   * @param threshold a row is predicted positive when its probability exceeds this
   * @param windowRows all predictions of the window, labelled or not
   */
  public static List<MetricPoint> binary(
      FigureScope scope,
      boolean[] actual,
      double[] probabilities,
      double threshold,
      long windowRows) {
    return binary(
        scope,
        BinaryEvaluation.evaluate(
            actual, probabilities, threshold, BinaryEvaluation.CALIBRATION_BINS),
        windowRows);
  }

  /** Points of evaluated binary predictions. */
  public static List<MetricPoint> binary(
      FigureScope scope, BinaryMetrics metrics, long windowRows) {
    requireNonNull(scope, "scope is null");
    requireNonNull(metrics, "metrics is null");
    List<MetricPoint> points = new ArrayList<>();
    long n = metrics.rows();
    coverage(points, scope, n, windowRows);
    Cbpe.add(points, scope, MonitorMetric.ACCURACY, metrics.accuracy(), n);
    Cbpe.add(points, scope, MonitorMetric.PRECISION, metrics.precision(), n);
    Cbpe.add(points, scope, MonitorMetric.RECALL, metrics.recall(), n);
    Cbpe.add(points, scope, MonitorMetric.F1, metrics.f1(), n);
    Cbpe.add(points, scope, MonitorMetric.ROC_AUC, metrics.rocAuc(), n);
    Cbpe.add(points, scope, MonitorMetric.LOG_LOSS, metrics.logLoss(), n);
    return points;
  }

  /**
   * Points of multiclass predictions: accuracy, macro-averaged precision, recall and F1,
   * one-vs-rest ROC AUC, log loss and label coverage.
   */
  public static List<MetricPoint> multiclass(
      FigureScope scope, int[] actual, double[][] probabilities, long windowRows) {
    return multiclass(scope, MulticlassEvaluation.evaluate(actual, probabilities), windowRows);
  }

  /** Points of evaluated multiclass predictions. */
  public static List<MetricPoint> multiclass(
      FigureScope scope, MulticlassMetrics metrics, long windowRows) {
    requireNonNull(scope, "scope is null");
    requireNonNull(metrics, "metrics is null");
    List<MetricPoint> points = new ArrayList<>();
    long n = metrics.rows();
    coverage(points, scope, n, windowRows);
    Cbpe.add(points, scope, MonitorMetric.ACCURACY, metrics.accuracy(), n);
    Cbpe.add(points, scope, MonitorMetric.PRECISION, metrics.macro().precision(), n);
    Cbpe.add(points, scope, MonitorMetric.RECALL, metrics.macro().recall(), n);
    Cbpe.add(points, scope, MonitorMetric.F1, metrics.macro().f1(), n);
    Cbpe.add(points, scope, MonitorMetric.ROC_AUC, metrics.rocAuc(), n);
    Cbpe.add(points, scope, MonitorMetric.LOG_LOSS, metrics.logLoss(), n);
    return points;
  }

  /** Points of numeric predictions: MAE, RMSE, R2 and label coverage. */
  public static List<MetricPoint> regression(
      FigureScope scope, double[] actual, double[] predicted, long windowRows) {
    requireNonNull(actual, "actual is null");
    requireNonNull(predicted, "predicted is null");
    if (actual.length != predicted.length) {
      throw new IllegalArgumentException(
          actual.length + " labels but " + predicted.length + " predictions");
    }
    RegressionAccumulator accumulator = RegressionAccumulator.create();
    for (int i = 0; i < actual.length; i++) {
      accumulator.add(actual[i], predicted[i]);
    }
    return regression(scope, accumulator.metrics(), windowRows);
  }

  /** Points of evaluated numeric predictions. */
  public static List<MetricPoint> regression(
      FigureScope scope, RegressionMetrics metrics, long windowRows) {
    requireNonNull(scope, "scope is null");
    requireNonNull(metrics, "metrics is null");
    List<MetricPoint> points = new ArrayList<>();
    long n = metrics.rows();
    coverage(points, scope, n, windowRows);
    Cbpe.add(points, scope, MonitorMetric.MAE, metrics.mae(), n);
    Cbpe.add(points, scope, MonitorMetric.RMSE, metrics.rmse(), n);
    Cbpe.add(points, scope, MonitorMetric.R2, metrics.r2(), n);
    return points;
  }

  /**
   * Binary points per segment: the rows grouped by {@code segments[i]}, the value of {@code column}
   * (null is {@link Segments#MISSING}), each with the scope's segment {@code column=value}.
   *
   * @param windowRows all predictions of the window per segment value, for the coverage
   */
  public static List<MetricPoint> binaryBySegment(
      FigureScope scope,
      String column,
      String[] segments,
      boolean[] actual,
      double[] probabilities,
      double threshold,
      Map<String, Long> windowRows) {
    requireNonNull(column, "column is null");
    requireNonNull(windowRows, "windowRows is null");
    List<MetricPoint> points = new ArrayList<>();
    Segments.binary(
            segments,
            actual,
            probabilities,
            threshold,
            BinaryEvaluation.CALIBRATION_BINS,
            windowRows.keySet())
        .forEach(
            (value, metrics) ->
                points.addAll(
                    binary(
                        scope.segment(column, value),
                        metrics,
                        windowRows.getOrDefault(value, metrics.rows()))));
    return points;
  }

  /** Regression points per segment, as {@link #binaryBySegment}. */
  public static List<MetricPoint> regressionBySegment(
      FigureScope scope,
      String column,
      String[] segments,
      double[] actual,
      double[] predicted,
      Map<String, Long> windowRows) {
    requireNonNull(column, "column is null");
    requireNonNull(windowRows, "windowRows is null");
    List<MetricPoint> points = new ArrayList<>();
    Segments.regression(segments, actual, predicted, windowRows.keySet())
        .forEach(
            (value, metrics) ->
                points.addAll(
                    regression(
                        scope.segment(column, value),
                        metrics,
                        windowRows.getOrDefault(value, metrics.rows()))));
    return points;
  }

  private static void coverage(
      List<MetricPoint> points, FigureScope scope, long labelled, long windowRows) {
    if (windowRows < labelled) {
      throw new IllegalArgumentException(
          labelled + " labelled predictions but only " + windowRows + " in the window");
    }
    if (windowRows > 0) {
      points.add(
          scope.point(
              MonitorMetric.LABEL_COVERAGE, "", (double) labelled / windowRows, windowRows));
    }
  }
}
