package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.drift.Drift;
import dev.tend.drift.DriftDefaults;
import dev.tend.drift.DriftMethod;
import dev.tend.drift.DriftResult;
import dev.tend.drift.DriftThreshold;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Drift of a window's inputs and predictions against a reference profile (the training dataset
 * version's) or the previous window's, per column from the profiles' sketches. Stateless and
 * thread-safe.
 *
 * <p>Each column gets the method {@link DriftDefaults#methodFor} picks for its type and the smaller
 * of the two sample sizes: tests gated by an effect size (KS, chi-square with Cramér's V) up to
 * {@value DriftDefaults#SMALL_SAMPLE_LIMIT} values, effect sizes alone (Wasserstein in reference
 * standard deviations, Jensen-Shannon distance) above, so a large window does not alarm on a
 * difference that is significant but trivial. A string column counts as a small sample, and gets
 * chi-square, also while its smaller sample holds fewer than {@value #VALUES_PER_CATEGORY} values
 * per category beyond the first: the Jensen-Shannon distance of two samples of one distribution
 * grows like {@code sqrt((k - 1) / (8 n ln 2))} for {@code k} categories, which for the 229
 * airports of the flights data reaches 0.1 near 5,000 rows.
 *
 * <p>By default a column drifted when its effect size reaches {@value #EFFECT_SIZE_FACTOR} times
 * the offline default of {@link DriftDefaults#threshold} (0.2 reference standard deviations of
 * Wasserstein distance, Cohen's "small" effect; 0.2 for Jensen-Shannon, KS D and Cramér's V), with
 * the same significance gate ({@link #threshold}). A monitor compares every window, many a day, so
 * it needs more margin than a one-off check: at the offline thresholds a quarter of the windows of
 * a stable month alarmed, all on the day of week, whose mix differs between the two halves of
 * January 2001 by about 0.095 standard deviations (three Mondays in the first, three Tuesdays and
 * Wednesdays in the second): calendar, not drift.
 *
 * <p>Date and timestamp columns are not judged (as Evidently leaves datetime columns out): a
 * window's dates lie after the reference's by construction, so they would drift in every window.
 * They are {@link Comparison#skipped()} with {@link #TEMPORAL_SKIP}, so they get no {@link
 * MonitorMetric#FEATURE_DRIFT} nor {@link MonitorMetric#DRIFT_DETECTED} figure and do not count in
 * {@link MonitorMetric#DRIFTED_FEATURE_SHARE}; their quality figures ({@link QualityFigures}) stay.
 *
 * <p><b>The default drift alert</b> fires when any feature drifted, that is when {@link
 * MonitorMetric#DRIFTED_FEATURE_SHARE} is above {@value #ALERT_SHARE_ABOVE} ({@link
 * Comparison#alert()}). On 300 windows of 500 to 20,000 rows drawn from the second half of January
 * 2001 of the flights data, against a reference of its first half, at most 1% raise it ({@code
 * DriftFalseAlarmTest} in tend-data), while every window with distances in kilometres does.
 */
public final class DriftFigures {
  /**
   * Values per category (beyond the first) a string column's smaller sample needs before
   * Jensen-Shannon replaces chi-square.
   */
  public static final int VALUES_PER_CATEGORY = 100;

  /** {@link MonitorMetric#DRIFTED_FEATURE_SHARE} above which the default drift rule fires. */
  public static final double ALERT_SHARE_ABOVE = 0.0;

  /**
   * Why a date or timestamp column gets no drift figure ({@code %s} is its type): its values move
   * with the clock, so every window's range differs from the reference's.
   */
  public static final String TEMPORAL_SKIP =
      "%s column: not judged for drift, as a new time range always differs from the"
          + " reference's; still profiled for quality";

  /** How many times the offline effect-size threshold a window's column must reach to drift. */
  public static final double EFFECT_SIZE_FACTOR = 2.0;

  /**
   * The default monitoring threshold of a method: {@link DriftDefaults#threshold}'s effect size
   * times {@value #EFFECT_SIZE_FACTOR}, and its significance level.
   */
  public static DriftThreshold threshold(DriftMethod method) {
    DriftThreshold offline = DriftDefaults.threshold(method);
    return new DriftThreshold(offline.effectSize() * EFFECT_SIZE_FACTOR, offline.alpha());
  }

  private DriftFigures() {}

  /**
   * One column's drift.
   *
   * @param column the column
   * @param result method, statistic, p-value where the method has one, effect size and decision
   */
  public record ColumnDrift(String column, DriftResult result) {
    public ColumnDrift {
      requireNonNull(column, "column is null");
      requireNonNull(result, "result is null");
    }
  }

  /** A column that could not be compared, and why (missing on one side, no values, other types). */
  public record Skipped(String column, String reason) {
    public Skipped {
      requireNonNull(column, "column is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /**
   * The drift of one window against one baseline.
   *
   * @param features the features compared, in order
   * @param prediction the prediction's drift, if a prediction column was named and compared
   * @param skipped features and prediction that could not be compared
   */
  public record Comparison(
      List<ColumnDrift> features, Optional<ColumnDrift> prediction, List<Skipped> skipped) {
    public Comparison {
      features = List.copyOf(features);
      requireNonNull(prediction, "prediction is null");
      skipped = List.copyOf(skipped);
    }

    /** Share of compared features that drifted; empty when none could be compared. */
    public OptionalDouble driftedShare() {
      if (features.isEmpty()) {
        return OptionalDouble.empty();
      }
      long drifted = features.stream().filter(f -> f.result().drifted()).count();
      return OptionalDouble.of((double) drifted / features.size());
    }

    /**
     * Whether the default drift rule fires: the drifted share is above {@link #ALERT_SHARE_ABOVE}.
     */
    public boolean alert() {
      OptionalDouble share = driftedShare();
      return share.isPresent() && share.getAsDouble() > ALERT_SHARE_ABOVE;
    }
  }

  /**
   * Compares every column of either profile except {@code prediction}, and {@code prediction} if
   * present, of {@code current} against {@code baseline}, at the default thresholds.
   */
  public static Comparison compare(
      DatasetProfile baseline, DatasetProfile current, Optional<String> prediction) {
    requireNonNull(baseline, "baseline is null");
    requireNonNull(current, "current is null");
    requireNonNull(prediction, "prediction is null");
    Set<String> features = new LinkedHashSet<>();
    baseline.columns().forEach(c -> features.add(c.column()));
    current.columns().forEach(c -> features.add(c.column()));
    prediction.ifPresent(features::remove);
    return compare(baseline, current, List.copyOf(features), prediction);
  }

  /** Compares the named features, and {@code prediction} if present, at the default thresholds. */
  public static Comparison compare(
      DatasetProfile baseline,
      DatasetProfile current,
      List<String> features,
      Optional<String> prediction) {
    return compare(baseline, current, features, prediction, DriftFigures::threshold);
  }

  /** Compares the named features, and {@code prediction} if present, at the given thresholds. */
  public static Comparison compare(
      DatasetProfile baseline,
      DatasetProfile current,
      List<String> features,
      Optional<String> prediction,
      Function<DriftMethod, DriftThreshold> thresholds) {
    requireNonNull(thresholds, "thresholds is null");
    requireNonNull(baseline, "baseline is null");
    requireNonNull(current, "current is null");
    requireNonNull(features, "features is null");
    requireNonNull(prediction, "prediction is null");
    List<ColumnDrift> compared = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (String feature : features) {
      compareColumn(baseline, current, feature, thresholds, compared, skipped);
    }
    List<ColumnDrift> predictionDrift = new ArrayList<>();
    prediction.ifPresent(
        p -> compareColumn(baseline, current, p, thresholds, predictionDrift, skipped));
    return new Comparison(compared, predictionDrift.stream().findFirst(), skipped);
  }

  private static void compareColumn(
      DatasetProfile baseline,
      DatasetProfile current,
      String column,
      Function<DriftMethod, DriftThreshold> thresholds,
      List<ColumnDrift> compared,
      List<Skipped> skipped) {
    Optional<ColumnProfile> before = baseline.column(column);
    Optional<ColumnProfile> now = current.column(column);
    if (before.isEmpty() || now.isEmpty()) {
      skipped.add(
          new Skipped(
              column,
              before.isEmpty() && now.isEmpty()
                  ? "in neither profile"
                  : before.isEmpty()
                      ? "not in the baseline profile"
                      : "not in the window's profile"));
      return;
    }
    Result result = column(before.get(), now.get(), thresholds);
    if (result.drift().isPresent()) {
      compared.add(new ColumnDrift(column, result.drift().get()));
    } else {
      skipped.add(new Skipped(column, result.skipReason()));
    }
  }

  private record Result(Optional<DriftResult> drift, String skipReason) {}

  private static Result column(
      ColumnProfile baseline,
      ColumnProfile current,
      Function<DriftMethod, DriftThreshold> thresholds) {
    if (baseline.type() != current.type()) {
      return skip(
          "types differ: "
              + baseline.type().label()
              + " in the baseline, "
              + current.type().label()
              + " in the window");
    }
    DataType type = baseline.type();
    if (type == DataType.OTHER) {
      return skip("no drift measure for type " + type.label());
    }
    if (type.isTemporal()) {
      return skip(TEMPORAL_SKIP.formatted(type.label()));
    }
    boolean categorical = type == DataType.STRING || type == DataType.BOOLEAN;
    if (categorical) {
      Map<String, Long> before = baseline.categoryCounts();
      Map<String, Long> now = current.categoryCounts();
      long n = Math.min(sum(before), sum(now));
      if (n == 0) {
        return skip(sum(before) == 0 ? "no values in the baseline" : "no values in the window");
      }
      long perCategory = (long) VALUES_PER_CATEGORY * Math.max(0, before.size() - 1);
      long effective = n >= perCategory ? n : Math.min(n, DriftDefaults.SMALL_SAMPLE_LIMIT);
      DriftMethod method = DriftDefaults.methodFor(type, effective).orElseThrow();
      return found(Drift.categorical(method, before, now, thresholds.apply(method)));
    }
    Optional<KllDoublesSketch> before = baseline.quantileSketch();
    Optional<KllDoublesSketch> now = current.quantileSketch();
    long beforeN = before.map(KllDoublesSketch::getN).orElse(0L);
    long nowN = now.map(KllDoublesSketch::getN).orElse(0L);
    if (beforeN == 0 || nowN == 0) {
      return skip(
          beforeN == 0 ? "no finite values in the baseline" : "no finite values in the window");
    }
    DriftMethod method = DriftDefaults.methodFor(type, Math.min(beforeN, nowN)).orElseThrow();
    return found(Drift.numeric(method, before.get(), now.get(), thresholds.apply(method)));
  }

  /**
   * Every measure that applies to {@code column} of both profiles, at the monitoring thresholds:
   * PSI, KS (statistic and p-value), Jensen-Shannon and Wasserstein for numbers; PSI,
   * Jensen-Shannon and chi-square for strings and booleans. What {@link #compare} decides with is
   * one of them, chosen by type and sample size; the others are for people comparing. Empty where
   * the column cannot be compared (see {@link Comparison#skipped()}).
   */
  public static List<DriftResult> measures(
      DatasetProfile baseline, DatasetProfile current, String column) {
    requireNonNull(column, "column is null");
    Optional<ColumnProfile> before = requireNonNull(baseline, "baseline is null").column(column);
    Optional<ColumnProfile> now = requireNonNull(current, "current is null").column(column);
    if (before.isEmpty()
        || now.isEmpty()
        || column(before.get(), now.get(), DriftFigures::threshold).drift().isEmpty()) {
      return List.of();
    }
    List<DriftResult> results = new ArrayList<>();
    DataType type = before.get().type();
    if (type == DataType.STRING || type == DataType.BOOLEAN) {
      for (DriftMethod method : DriftMethod.values()) {
        if (method.supportsCategorical()) {
          results.add(
              Drift.categorical(
                  method,
                  before.get().categoryCounts(),
                  now.get().categoryCounts(),
                  threshold(method)));
        }
      }
    } else {
      KllDoublesSketch a = before.get().quantileSketch().orElseThrow();
      KllDoublesSketch b = now.get().quantileSketch().orElseThrow();
      for (DriftMethod method : DriftMethod.values()) {
        if (method.supportsNumeric()) {
          results.add(Drift.numeric(method, a, b, threshold(method)));
        }
      }
    }
    return results;
  }

  private static Result skip(String reason) {
    return new Result(Optional.empty(), reason);
  }

  private static Result found(DriftResult drift) {
    return new Result(Optional.of(drift), "");
  }

  private static long sum(Map<String, Long> counts) {
    long total = 0;
    for (long c : counts.values()) {
      total += c;
    }
    return total;
  }

  /**
   * The points of a window's drift: {@link MonitorMetric#FEATURE_DRIFT} (the effect size) and
   * {@link MonitorMetric#DRIFT_DETECTED} per feature, {@link MonitorMetric#DRIFTED_FEATURE_SHARE}
   * and {@link MonitorMetric#PREDICTION_DRIFT} against the reference, and {@link
   * MonitorMetric#FEATURE_DRIFT_PREVIOUS} per feature against the previous window if given.
   */
  public static List<MetricPoint> points(
      FigureScope scope, Comparison againstReference, Optional<Comparison> againstPrevious) {
    requireNonNull(scope, "scope is null");
    requireNonNull(againstReference, "againstReference is null");
    requireNonNull(againstPrevious, "againstPrevious is null");
    List<MetricPoint> points = new ArrayList<>();
    for (ColumnDrift f : againstReference.features()) {
      DriftResult r = f.result();
      long n = r.currentCount();
      points.add(scope.point(MonitorMetric.FEATURE_DRIFT, f.column(), finite(r.effectSize()), n));
      points.add(scope.point(MonitorMetric.DRIFT_DETECTED, f.column(), r.drifted() ? 1 : 0, n));
    }
    againstReference
        .driftedShare()
        .ifPresent(
            share ->
                points.add(
                    scope.point(
                        MonitorMetric.DRIFTED_FEATURE_SHARE,
                        "",
                        share,
                        againstReference.features().size())));
    againstReference
        .prediction()
        .ifPresent(
            p ->
                points.add(
                    scope.point(
                        MonitorMetric.PREDICTION_DRIFT,
                        "",
                        finite(p.result().effectSize()),
                        p.result().currentCount())));
    againstPrevious.ifPresent(
        previous -> {
          for (ColumnDrift f : previous.features()) {
            points.add(
                scope.point(
                    MonitorMetric.FEATURE_DRIFT_PREVIOUS,
                    f.column(),
                    finite(f.result().effectSize()),
                    f.result().currentCount()));
          }
        });
    return points;
  }

  // A Wasserstein distance over a constant reference is infinite in standard deviations.
  private static double finite(double value) {
    return Double.isInfinite(value) ? Double.MAX_VALUE : value;
  }
}
