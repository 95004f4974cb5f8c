package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.profile.DatasetProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Collects the points of one window from the figure classes ({@link DriftFigures}, {@link
 * QualityFigures}, {@link Cbpe}, {@link LabelledFigures}, {@link Intervals}) under one {@link
 * FigureScope}, for the monitor runner. Mutable and not thread-safe: one per window.
 */
public final class WindowFigures {
  private final FigureScope scope;
  private final List<MetricPoint> points = new ArrayList<>();

  private WindowFigures(FigureScope scope) {
    this.scope = requireNonNull(scope, "scope is null");
  }

  public static WindowFigures of(FigureScope scope) {
    return new WindowFigures(scope);
  }

  public FigureScope scope() {
    return scope;
  }

  /**
   * Drift of the window's {@code features} and {@code prediction} against the reference, and of the
   * features against the previous window if there is one, at the default thresholds.
   *
   * @return the comparison against the reference
   */
  public DriftFigures.Comparison drift(
      DatasetProfile reference,
      DatasetProfile current,
      Optional<DatasetProfile> previous,
      List<String> features,
      Optional<String> prediction) {
    requireNonNull(previous, "previous is null");
    DriftFigures.Comparison againstReference =
        DriftFigures.compare(reference, current, features, prediction);
    Optional<DriftFigures.Comparison> againstPrevious =
        previous.map(p -> DriftFigures.compare(p, current, features, Optional.empty()));
    points.addAll(DriftFigures.points(scope, againstReference, againstPrevious));
    return againstReference;
  }

  /** Data quality of the window's inputs against the reference, at the default tolerances. */
  public QualityFigures.Report quality(
      DatasetProfile reference, DatasetProfile current, long schemaViolations) {
    QualityFigures.Report report = QualityFigures.evaluate(reference, current, schemaViolations);
    points.addAll(QualityFigures.points(scope, report));
    return report;
  }

  /** CBPE of a binary classifier's scores, calibrated first when a calibration is given. */
  public Cbpe.Estimate estimated(
      double[] scores, Optional<Calibration> calibration, double threshold) {
    requireNonNull(scores, "scores is null");
    requireNonNull(calibration, "calibration is null");
    double[] probabilities = calibration.map(c -> c.apply(scores)).orElse(scores);
    Cbpe.Estimate estimate = Cbpe.estimate(probabilities, threshold);
    points.addAll(Cbpe.points(scope, estimate));
    return estimate;
  }

  /** CBPE from a histogram of calibrated probabilities over equal-width bins of [0, 1]. */
  public Cbpe.Estimate estimated(long[] histogram, double threshold) {
    Cbpe.Estimate estimate = Cbpe.estimate(histogram, threshold);
    points.addAll(Cbpe.points(scope, estimate));
    return estimate;
  }

  /** Realised performance of the window's labelled binary predictions. */
  public void labelledBinary(
      boolean[] actual, double[] probabilities, double threshold, long windowRows) {
    points.addAll(LabelledFigures.binary(scope, actual, probabilities, threshold, windowRows));
  }

  /** Realised performance of the window's labelled numeric predictions. */
  public void labelledRegression(double[] actual, double[] predicted, long windowRows) {
    points.addAll(LabelledFigures.regression(scope, actual, predicted, windowRows));
  }

  /** A boolean outcome's rate with its Wilson interval. */
  public void outcomeRate(String outcome, long successes, long trials) {
    points.add(Intervals.outcomeRate(scope, outcome, successes, trials));
  }

  /** A numeric outcome's mean with its t interval. */
  public void outcomeMean(String outcome, long count, double mean, double stddev) {
    points.add(Intervals.outcomeMean(scope, outcome, count, mean, stddev));
  }

  /** Adds points computed elsewhere (rows, latency, error rate), checking their scope. */
  public void add(MetricPoint point) {
    requireNonNull(point, "point is null");
    if (!point.deployment().equals(scope.deployment())
        || !point.modelVersion().equals(scope.modelVersion())
        || !point.segment().equals(scope.segment())
        || !point.windowStart().equals(scope.windowStart())
        || !point.windowEnd().equals(scope.windowEnd())) {
      throw new IllegalArgumentException("point " + point + " is not of window " + scope);
    }
    points.add(point);
  }

  /** The points collected so far, in the order added. */
  public List<MetricPoint> points() {
    return List.copyOf(points);
  }
}
