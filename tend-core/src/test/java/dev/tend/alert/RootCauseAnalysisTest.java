package dev.tend.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tend.checks.Check;
import dev.tend.checks.CheckHeader;
import dev.tend.checks.Suite;
import dev.tend.checks.ValidityRule;
import dev.tend.expr.Expr;
import dev.tend.monitor.DriftFigures;
import dev.tend.monitor.FigureScope;
import dev.tend.monitor.LabelledFigures;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitor.SuiteFigures;
import dev.tend.monitor.WindowFigures;
import dev.tend.profile.ColumnProfiler;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileProvenance;
import dev.tend.schema.DataType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Root causes from figures computed by the real figure classes: a reference of flights (origin,
 * distance), two windows like it or drifting, then a window where origin goes missing in 48% of
 * rows and distance moves out of the reference's range, judged by a suite with a completeness and a
 * between check, with labelled predictions per origin.
 */
class RootCauseAnalysisTest {
  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  static final Duration HOUR = Duration.ofHours(1);
  static final List<String> AIRPORTS = List.of("ORD", "JFK", "LAX", "ATL");
  static final List<String> FEATURES = List.of("origin", "distance");

  static final Suite SUITE =
      new Suite(
          Suite.FORMAT_VERSION,
          "flights",
          Optional.empty(),
          List.of(
              new Check.CompletenessCheck(CheckHeader.of("completeness(origin)"), "origin", 0.05),
              new Check.ValidityCheck(
                  CheckHeader.of("between(distance)"),
                  "distance",
                  new ValidityRule.Between(
                      Optional.of(Expr.literal(100.0)), Optional.of(Expr.literal(2000.0))),
                  0)),
          List.of(),
          "test");

  /* n rows: origin cycles over the airports (the first `missing` rows null), distance from f. */
  static DatasetProfile profile(int n, int missing, java.util.function.IntToDoubleFunction f) {
    ColumnProfiler origin = ColumnProfiler.create("origin", DataType.STRING);
    ColumnProfiler distance = ColumnProfiler.create("distance", DataType.DOUBLE);
    for (int i = 0; i < n; i++) {
      if (i < missing) {
        origin.updateMissing(1);
      } else {
        origin.update(AIRPORTS.get(i % AIRPORTS.size()), 1);
      }
      distance.updateDouble(f.applyAsDouble(i), 1);
    }
    return DatasetProfile.of(
        n, List.of(origin.finish(), distance.finish()), ProfileProvenance.of("test", 0));
  }

  static final DatasetProfile REFERENCE = profile(2000, 0, i -> 100 + (i * 7919 % 1900));

  static FigureScope scope(int window) {
    Instant start = T0.plus(HOUR.multipliedBy(window));
    return new FigureScope("flights-prod", "*", "", start, start.plus(HOUR));
  }

  record Window(
      List<MetricPoint> points, DriftFigures.Comparison drift, SuiteFigures.Report checks) {}

  static Window window(int index, DatasetProfile inputs) {
    WindowFigures figures = WindowFigures.of(scope(index));
    figures.quality(REFERENCE, inputs, 0);
    DriftFigures.Comparison drift =
        figures.drift(REFERENCE, inputs, Optional.empty(), FEATURES, Optional.empty());
    SuiteFigures.Report checks = SuiteFigures.evaluate(SUITE, inputs, scope(index).windowEnd());
    List<MetricPoint> points = new ArrayList<>(figures.points());
    points.addAll(SuiteFigures.points(scope(index), checks, inputs.rowCount()));
    return new Window(points, drift, checks);
  }

  /* Labelled predictions of 400 rows: right on 90% of JFK, LAX and ATL, on 50% of ORD. */
  static List<MetricPoint> labelled(FigureScope scope) {
    int n = 400;
    String[] segments = new String[n];
    boolean[] actual = new boolean[n];
    double[] probabilities = new double[n];
    Random random = new Random(7);
    Map<String, Long> rows = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      String airport = AIRPORTS.get(i % AIRPORTS.size());
      segments[i] = airport;
      rows.merge(airport, 1L, Long::sum);
      actual[i] = random.nextBoolean();
      boolean right = airport.equals("ORD") ? (i / 4) % 2 == 0 : (i / 4) % 10 != 0;
      probabilities[i] = actual[i] == right ? 0.8 : 0.2;
    }
    List<MetricPoint> points =
        new ArrayList<>(LabelledFigures.binary(scope, actual, probabilities, 0.5, n));
    points.addAll(
        LabelledFigures.binaryBySegment(
            scope, "origin", segments, actual, probabilities, 0.5, rows));
    return points;
  }

  final Window good = window(0, profile(500, 0, i -> 100 + (i * 7919 % 1900)));
  final Window drifting = window(1, profile(500, 0, i -> 1000 + (i * 7919 % 1000)));
  final Window broken = window(2, profile(500, 240, i -> 5000 + i * 10));

  RootCause analyse(MonitorMetric metric, List<MetricPoint> points) {
    return RootCauseAnalysis.analyse(
        new RootCauseAnalysis.Input(
            metric,
            scope(2),
            points,
            Optional.of(broken.drift()),
            Optional.of(SUITE),
            Optional.of(broken.checks()),
            Optional.of(new RootCause.Model("delays", "3", Optional.of("run-1"))),
            List.of(new RootCause.Dataset("flights", "7")),
            Optional.empty()));
  }

  List<MetricPoint> all() {
    List<MetricPoint> points = new ArrayList<>();
    points.addAll(good.points());
    points.addAll(drifting.points());
    points.addAll(broken.points());
    points.addAll(labelled(scope(2)));
    return points;
  }

  @Test
  void aBrokenWindowNamesTheMissingColumnTheOutOfRangeColumnAndTheFailingChecks() {
    RootCause cause = analyse(MonitorMetric.QUALITY_SCORE, all());

    assertThat(cause.window())
        .isEqualTo(
            new RootCause.Window(T0.plus(HOUR.multipliedBy(2)), T0.plus(HOUR.multipliedBy(3))));
    assertThat(cause.deployment()).isEqualTo("flights-prod");
    assertThat(cause.model().orElseThrow().runId()).contains("run-1");
    assertThat(cause.datasets()).containsExactly(new RootCause.Dataset("flights", "7"));

    // Origin: 240 of 500 missing against none before; distance: every value above 2000.
    assertThat(cause.quality())
        .extracting(RootCause.QualityIssue::column, RootCause.QualityIssue::metric)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("distance", "out_of_range_share"),
            org.assertj.core.groups.Tuple.tuple("origin", "missing_share"));
    RootCause.QualityIssue missing = cause.quality().get(1);
    assertThat(missing.value()).isCloseTo(0.48, within(1e-12));
    assertThat(missing.baseline().orElseThrow()).isZero();
    RootCause.QualityIssue outOfRange = cause.quality().get(0);
    assertThat(outOfRange.value()).isEqualTo(1.0);

    assertThat(cause.failingChecks())
        .extracting(RootCause.FailingCheck::check, RootCause.FailingCheck::columns)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("completeness(origin)", List.of("origin")),
            org.assertj.core.groups.Tuple.tuple("between(distance)", List.of("distance")));
    assertThat(cause.failingChecks().getFirst().observed()).contains("240 of 500");

    // Distance drifted in window 1 already; origin's mix of airports did not change.
    assertThat(cause.driftedFeatures())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.column()).isEqualTo("distance");
              assertThat(d.since()).isEqualTo(T0.plus(HOUR));
              assertThat(d.method()).isPresent();
              assertThat(d.effect()).isGreaterThanOrEqualTo(d.threshold().orElseThrow());
            });

    // ORD is right half the time, the others 90%.
    assertThat(cause.segments().getFirst().segment()).isEqualTo("origin=ORD");
    assertThat(cause.segments().getFirst().metric()).isEqualTo("accuracy");
    assertThat(cause.segments().getFirst().value()).isCloseTo(0.5, within(1e-12));
    assertThat(cause.segments().getFirst().drop())
        .isCloseTo(cause.segments().getFirst().baseline() - 0.5, within(1e-12));
    assertThat(cause.segments().getFirst().rows()).isEqualTo(100);
    assertThat(cause.segments()).allSatisfy(s -> assertThat(s.drop()).isPositive());

    assertThat(cause.summary())
        .startsWith(
            "distance out of range in 100% of values; origin missing in 48% of rows;"
                + " checks failing: completeness(origin), between(distance); distance drifted (");
    assertThat(cause.highlights(3))
        .anyMatch(l -> l.startsWith("segment: accuracy 0.5 in origin=ORD"));
  }

  @Test
  void theReportDoesNotDependOnTheOrderOfTheFigures() {
    List<MetricPoint> shuffled = all();
    Collections.shuffle(shuffled, new Random(42));
    assertThat(analyse(MonitorMetric.QUALITY_SCORE, shuffled))
        .isEqualTo(analyse(MonitorMetric.QUALITY_SCORE, all()));
  }

  @Test
  void theAlertsFamilyLeadsTheSummary() {
    assertThat(analyse(MonitorMetric.DRIFTED_FEATURE_SHARE, all()).summary())
        .startsWith("distance drifted (");
    RootCause performance = analyse(MonitorMetric.ACCURACY, all());
    assertThat(performance.summary()).startsWith("accuracy 0.5 in origin=ORD against ");
  }

  @Test
  void aTinySegmentsWorseFigureIsNotACauseAndSegmentsRankByWhatTheyCostTheWindow() {
    List<MetricPoint> points = all();
    MetricPoint ord =
        points.stream()
            .filter(p -> p.metric() == MonitorMetric.ACCURACY && p.segment().equals("origin=ORD"))
            .findFirst()
            .orElseThrow();
    // Five rows all wrong: a worse figure than ORD's, but noise.
    points.add(segment(ord, "origin=STT", 0.0, 5));
    // A hub 0.3 below the window on 400 rows costs more than ORD's larger drop on 100.
    double all = ord.value() + analyse(MonitorMetric.ACCURACY, all()).segments().getFirst().drop();
    points.add(segment(ord, "origin=DEN", all - 0.3, 400));
    RootCause cause = analyse(MonitorMetric.ACCURACY, points);
    assertThat(cause.segments())
        .extracting(RootCause.SegmentDrop::segment)
        .startsWith("origin=DEN", "origin=ORD")
        .doesNotContain("origin=STT");
  }

  private static MetricPoint segment(MetricPoint like, String segment, double value, long rows) {
    return new MetricPoint(
        like.deployment(),
        like.modelVersion(),
        segment,
        like.windowStart(),
        like.windowEnd(),
        like.metric(),
        like.column(),
        value,
        rows,
        OptionalDouble.empty(),
        OptionalDouble.empty());
  }

  @Test
  void aQualityFigureAsHighAsInTheEarlierWindowsIsNotACause() {
    // Window 1 already lacked origin in 240 rows: its baseline is 48%, so window 2 is no worse.
    Window alsoMissing = window(1, profile(500, 240, i -> 100 + (i * 7919 % 1900)));
    List<MetricPoint> points = new ArrayList<>(alsoMissing.points());
    points.addAll(broken.points());
    RootCause cause = analyse(MonitorMetric.MISSING_SHARE, points);
    assertThat(cause.quality())
        .extracting(RootCause.QualityIssue::column)
        .containsExactly("distance");
    // Distance did not drift in window 1, so its drift began in window 2.
    assertThat(cause.driftedFeatures().getFirst().since()).isEqualTo(T0.plus(HOUR.multipliedBy(2)));
    assertThat(cause.segments()).isEmpty();
  }

  @Test
  void aGoodWindowHasNoCause() {
    RootCause cause =
        RootCauseAnalysis.analyse(
            new RootCauseAnalysis.Input(
                MonitorMetric.CHECKS_FAILED,
                scope(0),
                good.points(),
                Optional.of(good.drift()),
                Optional.of(SUITE),
                Optional.of(good.checks()),
                Optional.empty(),
                List.of(),
                Optional.empty()));
    assertThat(cause.empty()).isTrue();
    assertThat(cause.summary()).startsWith("no drifted feature");
  }

  @Test
  void onlyQualityDriftAndPerformanceMetricsHaveAFamily() {
    assertThat(RootCauseAnalysis.family(MonitorMetric.CHECKS_FAILED))
        .contains(RootCauseAnalysis.Family.QUALITY);
    assertThat(RootCauseAnalysis.family(MonitorMetric.FEATURE_DRIFT))
        .contains(RootCauseAnalysis.Family.DRIFT);
    assertThat(RootCauseAnalysis.family(MonitorMetric.ESTIMATED_F1))
        .contains(RootCauseAnalysis.Family.PERFORMANCE);
    assertThat(RootCauseAnalysis.family(MonitorMetric.LATENCY_P99_MS)).isEmpty();
    assertThat(RootCauseAnalysis.family(MonitorMetric.ERROR_RATE)).isEmpty();
  }

  /* 500 rows: a share {@code ord} of origins is ORD, the rest cycles over the other airports. */
  static DatasetProfile origins(double ord, java.util.function.IntToDoubleFunction distance) {
    ColumnProfiler origin = ColumnProfiler.create("origin", DataType.STRING);
    ColumnProfiler d = ColumnProfiler.create("distance", DataType.DOUBLE);
    int n = 500;
    int ordRows = (int) Math.round(n * ord);
    for (int i = 0; i < n; i++) {
      origin.update(i < ordRows ? "ORD" : AIRPORTS.get(1 + i % (AIRPORTS.size() - 1)), 1);
      d.updateDouble(distance.applyAsDouble(i), 1);
    }
    return DatasetProfile.of(n, List.of(origin.finish(), d.finish()), ProfileProvenance.of("t", 0));
  }

  @Test
  void aFeatureDriftRulesOwnColumnLeadsItsReportBelowTheDefaultThreshold() {
    // Origin's mix moves a little from window 1 on (ORD 25% -> 31%), distance a lot in window 3.
    List<Window> windows =
        List.of(
            window(0, origins(0.25, i -> 100 + (i * 7919 % 1900))),
            window(1, origins(0.31, i -> 100 + (i * 7919 % 1900))),
            window(2, origins(0.31, i -> 100 + (i * 7919 % 1900))),
            window(3, origins(0.31, i -> 1000 + (i * 7919 % 1000))));
    List<MetricPoint> points = windows.stream().flatMap(w -> w.points().stream()).toList();
    double effect = figure(points, 3, MonitorMetric.FEATURE_DRIFT);
    double before = figure(points, 0, MonitorMetric.FEATURE_DRIFT);
    assertThat(figure(points, 3, MonitorMetric.DRIFT_DETECTED)).isZero();
    assertThat(figure(points, 1, MonitorMetric.FEATURE_DRIFT)).isEqualTo(effect);
    double threshold = (before + effect) / 2;
    assertThat(before).isLessThan(threshold);
    AlertRule rule =
        AlertRules.parse(
            """
            name: origin-drift
            metric: feature_drift
            column: origin
            deployment: flights-prod
            condition: {threshold: {op: ">=", value: %s}}
            for: 2
            """
                .formatted(threshold),
            "origin-drift.yaml",
            Optional.empty());
    DriftFigures.Comparison drift = windows.get(3).drift();
    java.util.function.Function<Optional<RootCauseAnalysis.AlertedColumn>, RootCause> analyse =
        alerted ->
            RootCauseAnalysis.analyse(
                new RootCauseAnalysis.Input(
                    MonitorMetric.FEATURE_DRIFT,
                    scope(3),
                    points,
                    Optional.of(drift),
                    Optional.of(SUITE),
                    Optional.of(windows.get(3).checks()),
                    Optional.empty(),
                    List.of(),
                    alerted));

    // By the default detector, only distance drifted: the alert on origin would not name origin.
    assertThat(analyse.apply(Optional.empty()).driftedFeatures())
        .extracting(RootCause.DriftedFeature::column)
        .containsExactly("distance");

    RootCause cause =
        analyse.apply(
            RootCauseAnalysis.AlertedColumn.of(
                rule, new SeriesKey("flights-prod", "*", "", "origin")));
    assertThat(cause.driftedFeatures())
        .extracting(RootCause.DriftedFeature::column)
        .containsExactly("origin", "distance");
    RootCause.DriftedFeature origin = cause.driftedFeatures().getFirst();
    assertThat(origin.effect()).isEqualTo(effect);
    assertThat(origin.threshold()).hasValue(threshold);
    assertThat(origin.since()).isEqualTo(scope(1).windowStart());
    assertThat(origin.method()).contains(drift.features().getFirst().result().method().label());
    assertThat(cause.summary()).startsWith("origin drifted (");
    assertThat(cause.highlights(1).toString()).contains("origin ").contains("(threshold ");
  }

  @Test
  void onlyAPerColumnDriftRuleHasAnAlertedColumn() {
    AlertRule share =
        AlertRules.parse(
            "name: share\nmetric: drifted_feature_share\ndeployment: '*'\n"
                + "condition: {threshold: {op: '>', value: 0}}\n",
            "share.yaml",
            Optional.empty());
    assertThat(RootCauseAnalysis.AlertedColumn.of(share, new SeriesKey("d", "*", "", "")))
        .isEmpty();
  }

  static double figure(List<MetricPoint> points, int window, MonitorMetric metric) {
    return points.stream()
        .filter(
            p ->
                p.metric() == metric
                    && p.column().equals("origin")
                    && p.windowStart().equals(scope(window).windowStart()))
        .findFirst()
        .orElseThrow()
        .value();
  }
}
