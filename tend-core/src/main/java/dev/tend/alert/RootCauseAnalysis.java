package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.Check;
import dev.tend.checks.Suite;
import dev.tend.drift.DriftResult;
import dev.tend.monitor.DriftFigures;
import dev.tend.monitor.FigureScope;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitor.QualityFigures;
import dev.tend.monitor.SuiteFigures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Builds the {@link RootCause} of an alert from the figures of its firing window and of the windows
 * before it (of the same deployment and model version), with the window's drift comparison and
 * suite results where the caller recomputed them. Pure and deterministic: the same figures give the
 * same report, ties broken by name. Stateless and thread-safe.
 *
 * <ul>
 *   <li>Drifted features: first the column a feature-drift rule alerted on ({@link AlertedColumn}),
 *       judged by the rule's own condition, so its report names it even below the default
 *       detector's threshold; then those whose {@link MonitorMetric#DRIFT_DETECTED} is 1 in the
 *       firing window, by {@link MonitorMetric#FEATURE_DRIFT} descending. {@code since} walks back
 *       over the earlier windows while the feature stayed drifted (for the alerted column, while
 *       its figure breached the rule's condition).
 *   <li>Quality: a column's missing, out-of-range or unseen-category share, or the window's
 *       schema-violation share, that exceeds its mean over the earlier windows (0 without any) by
 *       more than the {@link QualityFigures} tolerance, largest excess first.
 *   <li>Failing checks: the suite's checks the inputs failed, in suite order, with their columns.
 *   <li>Segments: per {@code column=value} segment, how far the performance figure (the alert's, or
 *       the first of accuracy, F1, ROC AUC, R2, MAE with figures) is below the all-rows value of
 *       the window, for segments of at least {@link #MIN_SEGMENT_ROWS} rows, largest drop times
 *       rows first.
 * </ul>
 */
public final class RootCauseAnalysis {
  /** At most this many entries of each list are kept. */
  public static final int MAX_ENTRIES = 20;

  /** Segments reported at most. */
  public static final int MAX_SEGMENTS = 5;

  /** The fewest rows a segment needs for its figure to count as a cause. */
  public static final long MIN_SEGMENT_ROWS = 100;

  private RootCauseAnalysis() {}

  /** The families of alert metrics that get a root cause. */
  public enum Family {
    QUALITY,
    DRIFT,
    PERFORMANCE
  }

  /**
   * What the analysis reads.
   *
   * @param metric the alert's metric
   * @param window the firing window, with the alert's deployment, model version and segment
   * @param points figures of the firing window and of the earlier windows to compare with, of the
   *     same deployment and model version, of any segment and metric (others are ignored)
   * @param drift the firing window's drift against the reference, for the methods and thresholds
   * @param suite the reference dataset's suite, for the columns of its checks
   * @param checks the suite's results on the firing window's inputs
   * @param model the model version involved
   * @param datasets the dataset versions it was trained on
   * @param alerted the column of a {@link MonitorMetric#FEATURE_DRIFT} or {@link
   *     MonitorMetric#FEATURE_DRIFT_PREVIOUS} rule, with the rule; empty for other alerts
   */
  public record Input(
      MonitorMetric metric,
      FigureScope window,
      List<MetricPoint> points,
      Optional<DriftFigures.Comparison> drift,
      Optional<Suite> suite,
      Optional<SuiteFigures.Report> checks,
      Optional<RootCause.Model> model,
      List<RootCause.Dataset> datasets,
      Optional<AlertedColumn> alerted) {
    public Input {
      requireNonNull(metric, "metric is null");
      requireNonNull(window, "window is null");
      points = List.copyOf(requireNonNull(points, "points is null"));
      requireNonNull(drift, "drift is null");
      requireNonNull(suite, "suite is null");
      requireNonNull(checks, "checks is null");
      requireNonNull(model, "model is null");
      datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
      requireNonNull(alerted, "alerted is null");
    }
  }

  /**
   * The column a per-column drift rule alerted on: it leads the drifted features, with its effect
   * size judged by the rule's condition rather than by the default detector's threshold.
   *
   * @param rule the rule, whose metric is {@link MonitorMetric#FEATURE_DRIFT} or {@link
   *     MonitorMetric#FEATURE_DRIFT_PREVIOUS}
   * @param column the alerted series' column (the rule's own, or one of every column's)
   */
  public record AlertedColumn(AlertRule rule, String column) {
    public AlertedColumn {
      requireNonNull(rule, "rule is null");
      requireNonNull(column, "column is null");
      if (rule.metric() != MonitorMetric.FEATURE_DRIFT
          && rule.metric() != MonitorMetric.FEATURE_DRIFT_PREVIOUS) {
        throw new IllegalArgumentException(
            "only feature_drift and feature_drift_previous rules alert on a drifted column, not "
                + rule.metric().label());
      }
      if (column.isEmpty() || column.equals(AlertRule.EVERY)) {
        throw new IllegalArgumentException("the alerted column must be a column's name");
      }
    }

    /** The {@link AlertedColumn} of an alert on {@code key} by {@code rule}, if it has one. */
    public static Optional<AlertedColumn> of(AlertRule rule, SeriesKey key) {
      requireNonNull(rule, "rule is null");
      requireNonNull(key, "key is null");
      boolean perColumnDrift =
          rule.metric() == MonitorMetric.FEATURE_DRIFT
              || rule.metric() == MonitorMetric.FEATURE_DRIFT_PREVIOUS;
      if (!perColumnDrift || key.column().isEmpty() || key.column().equals(AlertRule.EVERY)) {
        return Optional.empty();
      }
      return Optional.of(new AlertedColumn(rule, key.column()));
    }
  }

  /** The family of {@code metric}, or empty for traffic, latency and outcome figures. */
  public static Optional<Family> family(MonitorMetric metric) {
    return switch (requireNonNull(metric, "metric is null")) {
      case MISSING_SHARE,
          SCHEMA_VIOLATION_SHARE,
          OUT_OF_RANGE_SHARE,
          UNSEEN_CATEGORY_SHARE,
          QUALITY_SCORE,
          CHECKS_FAILED ->
          Optional.of(Family.QUALITY);
      case FEATURE_DRIFT,
          FEATURE_DRIFT_PREVIOUS,
          DRIFT_DETECTED,
          DRIFTED_FEATURE_SHARE,
          PREDICTION_DRIFT ->
          Optional.of(Family.DRIFT);
      case ACCURACY,
          PRECISION,
          RECALL,
          F1,
          ROC_AUC,
          LOG_LOSS,
          MAE,
          RMSE,
          R2,
          ESTIMATED_ACCURACY,
          ESTIMATED_PRECISION,
          ESTIMATED_RECALL,
          ESTIMATED_F1,
          ESTIMATED_ROC_AUC ->
          Optional.of(Family.PERFORMANCE);
      case ROWS,
          THROUGHPUT,
          ERROR_RATE,
          LATENCY_P50_MS,
          LATENCY_P95_MS,
          LATENCY_P99_MS,
          MEAN_CONFIDENCE,
          LABEL_COVERAGE,
          OUTCOME_RATE,
          OUTCOME_MEAN ->
          Optional.empty();
    };
  }

  /** Whether a smaller value of {@code metric} is better (log loss, MAE, RMSE). */
  public static boolean lowerIsBetter(MonitorMetric metric) {
    return metric == MonitorMetric.LOG_LOSS
        || metric == MonitorMetric.MAE
        || metric == MonitorMetric.RMSE;
  }

  private static final List<MonitorMetric> FALLBACK_PERFORMANCE =
      List.of(
          MonitorMetric.ACCURACY,
          MonitorMetric.F1,
          MonitorMetric.ROC_AUC,
          MonitorMetric.R2,
          MonitorMetric.MAE);

  /* The quality figures looked at, with the excess over the baseline that counts as broken. */
  private static final Map<MonitorMetric, Double> QUALITY_TOLERANCES = new LinkedHashMap<>();

  static {
    QUALITY_TOLERANCES.put(MonitorMetric.MISSING_SHARE, QualityFigures.MISSING_TOLERANCE);
    QUALITY_TOLERANCES.put(MonitorMetric.OUT_OF_RANGE_SHARE, QualityFigures.OUT_OF_RANGE_TOLERANCE);
    QUALITY_TOLERANCES.put(MonitorMetric.UNSEEN_CATEGORY_SHARE, QualityFigures.UNSEEN_TOLERANCE);
    QUALITY_TOLERANCES.put(MonitorMetric.SCHEMA_VIOLATION_SHARE, 0.0);
  }

  /** The root cause of an alert on {@code input}'s window. */
  public static RootCause analyse(Input input) {
    requireNonNull(input, "input is null");
    FigureScope w = input.window();
    /* The alert's series (deployment, version, segment), window by window, newest last. */
    NavigableMap<Instant, List<MetricPoint>> series = new TreeMap<>();
    List<MetricPoint> firing = new ArrayList<>();
    for (MetricPoint p : input.points()) {
      if (!p.deployment().equals(w.deployment())
          || !p.modelVersion().equals(w.modelVersion())
          || p.windowStart().isAfter(w.windowStart())) {
        continue;
      }
      if (p.windowStart().equals(w.windowStart())) {
        firing.add(p);
      }
      if (p.segment().equals(w.segment())) {
        series.computeIfAbsent(p.windowStart(), k -> new ArrayList<>()).add(p);
      }
    }
    List<MetricPoint> current = series.getOrDefault(w.windowStart(), List.of());
    NavigableMap<Instant, List<MetricPoint>> earlier = series.headMap(w.windowStart(), false);
    List<RootCause.DriftedFeature> drifted =
        drifted(current, earlier, input.drift(), input.alerted());
    List<RootCause.QualityIssue> quality = quality(current, earlier);
    List<RootCause.FailingCheck> checks = failing(input.suite(), input.checks());
    List<RootCause.SegmentDrop> segments = segments(input.metric(), w, firing);
    String summary = summary(family(input.metric()), drifted, quality, checks, segments);
    return new RootCause(
        new RootCause.Window(w.windowStart(), w.windowEnd()),
        w.deployment(),
        input.model(),
        input.datasets(),
        drifted,
        quality,
        checks,
        segments,
        summary);
  }

  // ---------------------------------------------------------------- drift

  private static List<RootCause.DriftedFeature> drifted(
      List<MetricPoint> current,
      NavigableMap<Instant, List<MetricPoint>> earlier,
      Optional<DriftFigures.Comparison> comparison,
      Optional<AlertedColumn> alerted) {
    Map<String, DriftResult> results = new HashMap<>();
    comparison.ifPresent(c -> c.features().forEach(f -> results.put(f.column(), f.result())));
    Map<String, Double> effects = new HashMap<>();
    for (MetricPoint p : current) {
      if (p.metric() == MonitorMetric.FEATURE_DRIFT) {
        effects.put(p.column(), p.value());
      }
    }
    List<RootCause.DriftedFeature> drifted = new ArrayList<>();
    for (MetricPoint p : current) {
      if (p.metric() != MonitorMetric.DRIFT_DETECTED || p.value() < 1) {
        continue;
      }
      String column = p.column();
      Instant since = p.windowStart();
      for (Map.Entry<Instant, List<MetricPoint>> e : earlier.descendingMap().entrySet()) {
        boolean stillDrifted =
            e.getValue().stream()
                .anyMatch(
                    q ->
                        q.metric() == MonitorMetric.DRIFT_DETECTED
                            && q.column().equals(column)
                            && q.value() >= 1);
        if (!stillDrifted) {
          break;
        }
        since = e.getKey();
      }
      DriftResult result = results.get(column);
      double effect = effects.getOrDefault(column, result == null ? 0 : result.effectSize());
      drifted.add(
          new RootCause.DriftedFeature(
              column,
              Optional.ofNullable(result).map(r -> r.method().name().toLowerCase(Locale.ROOT)),
              effect,
              result == null
                  ? OptionalDouble.empty()
                  : OptionalDouble.of(result.threshold().effectSize()),
              since));
    }
    drifted.sort(
        Comparator.comparingDouble((RootCause.DriftedFeature d) -> -d.effect())
            .thenComparing(RootCause.DriftedFeature::column));
    Optional<RootCause.DriftedFeature> first =
        alerted.flatMap(a -> alertedColumn(a, current, earlier, results));
    if (first.isPresent()) {
      drifted.removeIf(d -> d.column().equals(first.get().column()));
      drifted.addFirst(first.get());
    }
    return limit(drifted, MAX_ENTRIES);
  }

  /*
   * The alerted column judged by its rule: its figure in the firing window, the rule's threshold
   * (for a threshold condition), and since when the rule's condition has held. Empty when the
   * firing window has no figure of the column.
   */
  private static Optional<RootCause.DriftedFeature> alertedColumn(
      AlertedColumn alerted,
      List<MetricPoint> current,
      NavigableMap<Instant, List<MetricPoint>> earlier,
      Map<String, DriftResult> results) {
    AlertRule rule = alerted.rule();
    List<MetricPoint> series = new ArrayList<>();
    for (List<MetricPoint> window : earlier.values()) {
      window.stream().filter(p -> figureOf(alerted, p)).findFirst().ifPresent(series::add);
    }
    Optional<MetricPoint> now = current.stream().filter(p -> figureOf(alerted, p)).findFirst();
    if (now.isEmpty()) {
      return Optional.empty();
    }
    series.add(now.get());
    List<RuleEvaluation.Verdict> verdicts = RuleEvaluation.evaluate(rule, series);
    Instant since = now.get().windowStart();
    for (int i = verdicts.size() - 2; i >= 0 && verdicts.get(i).breached(); i--) {
      since = verdicts.get(i).point().windowStart();
    }
    /* The method decided the figure against the reference; against the previous window, no. */
    Optional<DriftResult> result =
        rule.metric() == MonitorMetric.FEATURE_DRIFT
            ? Optional.ofNullable(results.get(alerted.column()))
            : Optional.empty();
    OptionalDouble threshold =
        rule.condition() instanceof Condition.Threshold t
            ? OptionalDouble.of(t.value())
            : OptionalDouble.empty();
    return Optional.of(
        new RootCause.DriftedFeature(
            alerted.column(),
            result.map(r -> r.method().name().toLowerCase(Locale.ROOT)),
            now.get().value(),
            threshold,
            since));
  }

  private static boolean figureOf(AlertedColumn alerted, MetricPoint p) {
    return p.metric() == alerted.rule().metric()
        && p.column().equals(alerted.column())
        && alerted.rule().matches(p);
  }

  // ---------------------------------------------------------------- quality

  private static List<RootCause.QualityIssue> quality(
      List<MetricPoint> current, NavigableMap<Instant, List<MetricPoint>> earlier) {
    record Excess(RootCause.QualityIssue issue, double excess) {}
    List<Excess> broken = new ArrayList<>();
    for (MetricPoint p : current) {
      Double tolerance = QUALITY_TOLERANCES.get(p.metric());
      boolean perColumn = p.metric() != MonitorMetric.SCHEMA_VIOLATION_SHARE;
      if (tolerance == null || perColumn == p.column().isEmpty()) {
        continue;
      }
      double sum = 0;
      int n = 0;
      for (List<MetricPoint> window : earlier.values()) {
        for (MetricPoint q : window) {
          if (q.metric() == p.metric() && q.column().equals(p.column())) {
            sum += q.value();
            n++;
          }
        }
      }
      OptionalDouble baseline = n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum / n);
      double excess = p.value() - baseline.orElse(0);
      if (excess > tolerance) {
        broken.add(
            new Excess(
                new RootCause.QualityIssue(p.column(), p.metric().label(), p.value(), baseline),
                excess));
      }
    }
    broken.sort(
        Comparator.comparingDouble((Excess e) -> -e.excess())
            .thenComparing(e -> e.issue().column())
            .thenComparing(e -> e.issue().metric()));
    return limit(broken.stream().map(Excess::issue).toList(), MAX_ENTRIES);
  }

  // ---------------------------------------------------------------- checks

  private static List<RootCause.FailingCheck> failing(
      Optional<Suite> suite, Optional<SuiteFigures.Report> report) {
    if (report.isEmpty()) {
      return List.of();
    }
    Map<String, List<String>> columns = new HashMap<>();
    suite.ifPresent(s -> s.checks().forEach(c -> columns.put(c.name(), columnsOf(c))));
    List<RootCause.FailingCheck> failing = new ArrayList<>();
    for (SuiteFigures.LiveCheck c : report.get().checks()) {
      if (c.status() == SuiteFigures.Status.FAILED) {
        failing.add(
            new RootCause.FailingCheck(
                c.name(), columns.getOrDefault(c.name(), List.of()), c.observed()));
      }
    }
    return limit(failing, MAX_ENTRIES);
  }

  private static List<String> columnsOf(Check check) {
    return check.columns().stream().distinct().toList();
  }

  // ---------------------------------------------------------------- segments

  private static List<RootCause.SegmentDrop> segments(
      MonitorMetric alerted, FigureScope w, List<MetricPoint> firing) {
    List<MonitorMetric> candidates =
        family(alerted).orElse(Family.QUALITY) == Family.PERFORMANCE
            ? List.of(alerted)
            : FALLBACK_PERFORMANCE;
    for (MonitorMetric metric : candidates) {
      Optional<MetricPoint> all =
          firing.stream()
              .filter(p -> p.metric() == metric && p.segment().equals(MetricPoint.ALL_ROWS))
              .findFirst();
      if (all.isEmpty()) {
        continue;
      }
      double baseline = all.get().value();
      List<RootCause.SegmentDrop> drops = new ArrayList<>();
      for (MetricPoint p : firing) {
        if (p.metric() != metric || p.segment().equals(MetricPoint.ALL_ROWS)) {
          continue;
        }
        double drop = lowerIsBetter(metric) ? p.value() - baseline : baseline - p.value();
        if (drop > 0 && p.count() >= MIN_SEGMENT_ROWS) {
          drops.add(
              new RootCause.SegmentDrop(
                  p.segment(), metric.label(), p.value(), baseline, drop, p.count()));
        }
      }
      // By what each segment costs the whole window (its drop times its rows), not by its drop
      // alone: a small airport's worst week is noise next to a hub's slightly worse one.
      drops.sort(
          Comparator.comparingDouble((RootCause.SegmentDrop s) -> -s.drop() * s.rows())
              .thenComparing(RootCause.SegmentDrop::segment));
      return limit(drops, MAX_SEGMENTS);
    }
    return List.of();
  }

  // ---------------------------------------------------------------- summary

  private static String summary(
      Optional<Family> family,
      List<RootCause.DriftedFeature> drifted,
      List<RootCause.QualityIssue> quality,
      List<RootCause.FailingCheck> checks,
      List<RootCause.SegmentDrop> segments) {
    List<String> qualityParts = quality.stream().limit(2).map(RootCauseAnalysis::phrase).toList();
    List<String> driftParts = drifted.stream().limit(2).map(RootCauseAnalysis::phrase).toList();
    List<String> checkParts =
        checks.isEmpty()
            ? List.of()
            : List.of(
                "checks failing: "
                    + checks.stream()
                        .limit(3)
                        .map(RootCause.FailingCheck::check)
                        .collect(Collectors.joining(", "))
                    + (checks.size() > 3 ? " and " + (checks.size() - 3) + " more" : ""));
    List<String> segmentParts = segments.stream().limit(1).map(RootCauseAnalysis::phrase).toList();
    List<List<String>> order =
        switch (family.orElse(Family.QUALITY)) {
          case QUALITY -> List.of(qualityParts, checkParts, driftParts, segmentParts);
          case DRIFT -> List.of(driftParts, qualityParts, checkParts, segmentParts);
          case PERFORMANCE -> List.of(segmentParts, driftParts, qualityParts, checkParts);
        };
    List<String> parts = order.stream().flatMap(List::stream).toList();
    if (parts.isEmpty()) {
      return "no drifted feature, broken column, failing check or weaker segment in the window";
    }
    return String.join("; ", parts);
  }

  private static String phrase(RootCause.QualityIssue q) {
    String share = percent(q.value());
    return switch (q.metric()) {
      case "missing_share" -> q.column() + " missing in " + share + " of rows";
      case "out_of_range_share" -> q.column() + " out of range in " + share + " of values";
      case "unseen_category_share" -> q.column() + " unseen categories in " + share + " of values";
      case "schema_violation_share" -> "input schema broken in " + share + " of rows";
      default -> q.column() + " " + q.metric() + " " + RuleEvaluation.format(q.value());
    };
  }

  private static String phrase(RootCause.DriftedFeature d) {
    return d.column()
        + " drifted ("
        + d.method().map(m -> m + " ").orElse("effect ")
        + RuleEvaluation.format(d.effect())
        + ") since "
        + d.since();
  }

  private static String phrase(RootCause.SegmentDrop s) {
    return s.metric()
        + " "
        + RuleEvaluation.format(s.value())
        + " in "
        + s.segment()
        + " against "
        + RuleEvaluation.format(s.baseline())
        + " overall";
  }

  /* The lines RootCause#highlights shows. */
  static String line(RootCause.QualityIssue q) {
    return phrase(q)
        + q.baseline().stream()
            .mapToObj(b -> " (before: " + percent(b) + ")")
            .findFirst()
            .orElse("");
  }

  static String line(RootCause.DriftedFeature d) {
    return d.column()
        + " "
        + d.method().orElse("effect")
        + " "
        + RuleEvaluation.format(d.effect())
        + d.threshold().stream()
            .mapToObj(t -> " (threshold " + RuleEvaluation.format(t) + ")")
            .findFirst()
            .orElse("")
        + " since "
        + d.since();
  }

  static String line(RootCause.SegmentDrop s) {
    return phrase(s) + " (" + s.rows() + " rows)";
  }

  static String percent(double share) {
    double p = share * 100;
    if (p > 0 && p < 1) {
      return RuleEvaluation.format(p) + "%";
    }
    return Math.round(p) + "%";
  }

  private static <T> List<T> limit(List<T> list, int max) {
    return list.size() <= max ? list : List.copyOf(list.subList(0, max));
  }
}
