package dev.tend.server.monitoring;

import dev.tend.checks.Suite;
import dev.tend.monitor.Calibration;
import dev.tend.monitor.Cbpe;
import dev.tend.monitor.DriftFigures;
import dev.tend.monitor.FigureScope;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitor.QualityFigures;
import dev.tend.monitor.SuiteFigures;
import dev.tend.monitor.WindowSketch;
import dev.tend.monitor.WindowSketchSchema;
import dev.tend.profile.DatasetProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The figures of one window (or a merged range) that its sketch and counts give: rows, throughput,
 * error rate, latency, data quality and drift against the reference, drift against the previous
 * window, the reference dataset's check suite applied to the inputs, and CBPE estimates of a binary
 * classifier (calibrated when a calibration is given). Figures needing a reference are left out
 * without one, except the schema-violation share.
 */
final class SketchFigures {
  /** A binary classifier predicts the positive class above this probability. */
  static final double THRESHOLD = 0.5;

  private SketchFigures() {}

  /**
   * @param rows predictions in the window
   * @param failedRequests requests the version failed to answer (counted for segment-less windows)
   * @param sketch the window's sketch, when its predictions could be sketched
   * @param previous the sketch of the window before, for drift against it
   * @param reference the reference profile
   * @param suite the check suite of the reference's dataset, judged on the inputs as of the
   *     window's end
   * @param calibration maps a binary classifier's scores to probabilities for CBPE
   */
  static List<MetricPoint> of(
      FigureScope scope,
      long rows,
      long failedRequests,
      Optional<WindowSketch> sketch,
      Optional<WindowSketch> previous,
      Optional<DatasetProfile> reference,
      Optional<Suite> suite,
      Optional<Calibration> calibration) {
    List<MetricPoint> points = new ArrayList<>();
    double seconds =
        (scope.windowEnd().toEpochMilli() - scope.windowStart().toEpochMilli()) / 1000.0;
    points.add(scope.point(MonitorMetric.ROWS, "", rows, rows));
    points.add(scope.point(MonitorMetric.THROUGHPUT, "", rows / seconds, rows));
    long requests = rows + failedRequests;
    if (scope.segment().isEmpty() && requests > 0) {
      points.add(
          scope.point(MonitorMetric.ERROR_RATE, "", failedRequests / (double) requests, requests));
    }
    if (sketch.isEmpty() || sketch.get().rows() == 0) {
      return points;
    }
    WindowSketch s = sketch.get();
    latency(points, scope, s, MonitorMetric.LATENCY_P50_MS, 0.5);
    latency(points, scope, s, MonitorMetric.LATENCY_P95_MS, 0.95);
    latency(points, scope, s, MonitorMetric.LATENCY_P99_MS, 0.99);
    List<String> features =
        s.schema().inputs().stream().map(WindowSketchSchema.Input::name).toList();
    Optional<SuiteFigures.Report> checks =
        suite.map(x -> SuiteFigures.evaluate(x, s.inputs(), scope.windowEnd()));
    checks.ifPresent(c -> points.addAll(SuiteFigures.points(scope, c, s.rows())));
    if (reference.isPresent()) {
      QualityFigures.Report quality =
          QualityFigures.evaluate(reference.get(), s.inputs(), s.violatingRows());
      for (MetricPoint p : QualityFigures.points(scope, quality)) {
        if (p.metric() != MonitorMetric.QUALITY_SCORE || checks.isEmpty()) {
          points.add(p);
        }
      }
      if (checks.isPresent()) {
        SuiteFigures.qualityScore(quality, checks.get())
            .ifPresent(
                q -> points.add(scope.point(MonitorMetric.QUALITY_SCORE, "", q, quality.rows())));
      }
      DriftFigures.Comparison againstReference =
          DriftFigures.compare(reference.get(), s.inputs(), features, Optional.empty());
      Optional<DriftFigures.Comparison> againstPrevious =
          previous
              .filter(p -> p.rows() > 0)
              .map(p -> DriftFigures.compare(p.inputs(), s.inputs(), features, Optional.empty()));
      points.addAll(DriftFigures.points(scope, againstReference, againstPrevious));
    } else {
      points.add(
          scope.point(
              MonitorMetric.SCHEMA_VIOLATION_SHARE,
              "",
              s.violatingRows() / (double) s.rows(),
              s.rows()));
    }
    if (s.task() == WindowSketchSchema.Task.BINARY && s.confidenceTotal() > 0) {
      long[] counts = s.confidenceCounts();
      if (calibration.isPresent()) {
        counts = calibrated(counts, calibration.get());
      }
      points.addAll(Cbpe.points(scope, Cbpe.estimate(counts, THRESHOLD)));
    } else if (s.task() == WindowSketchSchema.Task.MULTICLASS && s.confidenceTotal() > 0) {
      long[] counts = s.confidenceCounts();
      double sum = 0;
      for (int b = 0; b < counts.length; b++) {
        sum += counts[b] * (b + 0.5) / counts.length;
      }
      points.add(
          scope.point(
              MonitorMetric.MEAN_CONFIDENCE, "", sum / s.confidenceTotal(), s.confidenceTotal()));
    }
    return points;
  }

  private static void latency(
      List<MetricPoint> points,
      FigureScope scope,
      WindowSketch sketch,
      MonitorMetric metric,
      double rank) {
    OptionalDouble millis = sketch.latencyMillis(rank);
    if (millis.isPresent() && Double.isFinite(millis.getAsDouble())) {
      points.add(scope.point(metric, "", millis.getAsDouble(), sketch.rows()));
    }
  }

  /* Each bin's rows move to the bin of their midpoint's calibrated probability. */
  static long[] calibrated(long[] counts, Calibration calibration) {
    long[] out = new long[counts.length];
    for (int b = 0; b < counts.length; b++) {
      if (counts[b] > 0) {
        double p = calibration.apply((b + 0.5) / counts.length);
        out[Cbpe.bin(p, counts.length)] += counts[b];
      }
    }
    return out;
  }
}
