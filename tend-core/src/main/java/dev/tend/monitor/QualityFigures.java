package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.profile.ColumnProfile;
import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;

/**
 * Data quality of a window's live inputs against the reference profile: missing, out-of-range and
 * unseen-category shares per column and overall, the schema-violation share, and {@link
 * MonitorMetric#QUALITY_SCORE}, the share of these checks that passed:
 *
 * <ul>
 *   <li>per column in both profiles: its missing share is at most the reference's plus {@link
 *       Tolerances#missing()} (default {@value #MISSING_TOLERANCE});
 *   <li>per numeric or temporal column: at most {@link Tolerances#outOfRange()} (default {@value
 *       #OUT_OF_RANGE_TOLERANCE}) of its values lie below the reference's minimum or above its
 *       maximum (for a date or timestamp, only below its minimum: later dates are time passing);
 *   <li>per string or boolean column whose unseen share can be told: at most {@link
 *       Tolerances#unseen()} (default {@value #UNSEEN_TOLERANCE}) of its values are categories the
 *       reference never had;
 *   <li>once per window: no row broke the input schema.
 * </ul>
 *
 * <p>The out-of-range share is exact when the window's exact minimum and maximum lie inside the
 * reference's range (0) or its whole range outside (1), and read from the window's quantile sketch
 * otherwise; non-finite values count as out of range. A reference whose category counts hold an
 * "other" bucket ({@link ColumnProfile#OTHER_VALUES}: too many distinct values to track) cannot
 * tell unseen values from rare ones, so that column gets no unseen figure and no check; values in
 * the window's own "other" bucket are not counted as unseen, so the share is then a lower bound.
 * Stateless and thread-safe.
 */
public final class QualityFigures {
  /** Default allowance of a column's missing share over the reference's. */
  public static final double MISSING_TOLERANCE = 0.05;

  /** Default allowed share of values outside the reference range. */
  public static final double OUT_OF_RANGE_TOLERANCE = 0.01;

  /** Default allowed share of unseen categories. */
  public static final double UNSEEN_TOLERANCE = 0.01;

  private QualityFigures() {}

  /**
   * How far the window may stray before a check fails; each a share in [0, 1].
   *
   * @param missing allowance of a column's missing share over the reference's
   * @param outOfRange allowed share of values outside the reference range
   * @param unseen allowed share of unseen categories
   */
  public record Tolerances(double missing, double outOfRange, double unseen) {
    /**
     * {@value #MISSING_TOLERANCE}, {@value #OUT_OF_RANGE_TOLERANCE}, {@value #UNSEEN_TOLERANCE}.
     */
    public static final Tolerances DEFAULTS =
        new Tolerances(MISSING_TOLERANCE, OUT_OF_RANGE_TOLERANCE, UNSEEN_TOLERANCE);

    public Tolerances {
      share(missing, "missing");
      share(outOfRange, "outOfRange");
      share(unseen, "unseen");
    }

    private static void share(double value, String name) {
      if (!(value >= 0 && value <= 1)) {
        throw new IllegalArgumentException(name + " tolerance must be in [0, 1], got " + value);
      }
    }
  }

  /**
   * One column's figures.
   *
   * @param column the column
   * @param rows the window's rows of it
   * @param missing its missing values
   * @param outOfRange values outside the reference range (estimated), for numeric and temporal
   *     columns
   * @param unseen values of categories the reference never had, where that can be told
   * @param values the window's non-null values of it
   * @param checks checks of the column
   * @param passed checks passed
   */
  public record ColumnQuality(
      String column,
      long rows,
      long missing,
      OptionalDouble outOfRange,
      OptionalDouble unseen,
      long values,
      int checks,
      int passed) {
    public ColumnQuality {
      requireNonNull(column, "column is null");
      requireNonNull(outOfRange, "outOfRange is null");
      requireNonNull(unseen, "unseen is null");
    }

    public OptionalDouble missingShare() {
      return rows == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) missing / rows);
    }

    public OptionalDouble outOfRangeShare() {
      return share(outOfRange);
    }

    public OptionalDouble unseenShare() {
      return share(unseen);
    }

    private OptionalDouble share(OptionalDouble count) {
      return count.isEmpty() || values == 0
          ? OptionalDouble.empty()
          : OptionalDouble.of(count.getAsDouble() / values);
    }
  }

  /**
   * A window's data quality.
   *
   * @param columns per column in both profiles, in the window's order
   * @param rows the window's rows
   * @param schemaViolations rows that broke the input schema
   * @param checks all checks
   * @param passed checks passed
   */
  public record Report(
      List<ColumnQuality> columns, long rows, long schemaViolations, int checks, int passed) {
    public Report {
      columns = List.copyOf(columns);
    }

    /** Missing cells over all cells of the compared columns. */
    public OptionalDouble missingShare() {
      long missing = 0;
      long cells = 0;
      for (ColumnQuality c : columns) {
        missing += c.missing();
        cells += c.rows();
      }
      return cells == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) missing / cells);
    }

    /** Out-of-range values over the values of the numeric and temporal columns. */
    public OptionalDouble outOfRangeShare() {
      return overall(ColumnQuality::outOfRange);
    }

    /** Unseen categories over the values of the columns where they can be told. */
    public OptionalDouble unseenShare() {
      return overall(ColumnQuality::unseen);
    }

    public OptionalDouble schemaViolationShare() {
      return rows == 0
          ? OptionalDouble.empty()
          : OptionalDouble.of((double) schemaViolations / rows);
    }

    /** Passed checks over checks; empty without checks. */
    public OptionalDouble qualityScore() {
      return checks == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) passed / checks);
    }

    private OptionalDouble overall(Function<ColumnQuality, OptionalDouble> f) {
      double count = 0;
      long values = 0;
      boolean any = false;
      for (ColumnQuality c : columns) {
        OptionalDouble v = f.apply(c);
        if (v.isPresent()) {
          any = true;
          count += v.getAsDouble();
          values += c.values();
        }
      }
      return !any || values == 0 ? OptionalDouble.empty() : OptionalDouble.of(count / values);
    }
  }

  /**
   * {@link #evaluate(DatasetProfile, DatasetProfile, long, Tolerances)} with default tolerances.
   */
  public static Report evaluate(
      DatasetProfile reference, DatasetProfile current, long schemaViolations) {
    return evaluate(reference, current, schemaViolations, Tolerances.DEFAULTS);
  }

  /**
   * The quality of {@code current} against {@code reference}.
   *
   * @param schemaViolations rows of the window that broke the input schema (and so are not in
   *     {@code current})
   */
  public static Report evaluate(
      DatasetProfile reference,
      DatasetProfile current,
      long schemaViolations,
      Tolerances tolerances) {
    requireNonNull(reference, "reference is null");
    requireNonNull(current, "current is null");
    requireNonNull(tolerances, "tolerances is null");
    if (schemaViolations < 0) {
      throw new IllegalArgumentException("schemaViolations must be >= 0, got " + schemaViolations);
    }
    List<ColumnQuality> columns = new ArrayList<>();
    int checks = 1;
    int passed = schemaViolations == 0 ? 1 : 0;
    for (ColumnProfile now : current.columns()) {
      Optional<ColumnProfile> before = reference.column(now.column());
      if (before.isEmpty() || before.get().type() != now.type()) {
        continue;
      }
      ColumnQuality q = column(before.get(), now, tolerances);
      columns.add(q);
      checks += q.checks();
      passed += q.passed();
    }
    long rows = current.rowCount() + schemaViolations;
    return new Report(columns, rows, schemaViolations, checks, passed);
  }

  private static ColumnQuality column(
      ColumnProfile reference, ColumnProfile current, Tolerances tolerances) {
    int checks = 0;
    int passed = 0;
    if (current.rows() > 0) {
      checks++;
      double allowed = share(reference.missing(), reference.rows()) + tolerances.missing();
      if (share(current.missing(), current.rows()) <= allowed) {
        passed++;
      }
    }
    OptionalDouble outOfRange = outOfRange(reference, current);
    if (outOfRange.isPresent() && current.count() > 0) {
      checks++;
      if (outOfRange.getAsDouble() / current.count() <= tolerances.outOfRange()) {
        passed++;
      }
    }
    OptionalDouble unseen = unseen(reference, current);
    if (unseen.isPresent() && current.count() > 0) {
      checks++;
      if (unseen.getAsDouble() / current.count() <= tolerances.unseen()) {
        passed++;
      }
    }
    return new ColumnQuality(
        current.column(),
        current.rows(),
        current.missing(),
        outOfRange,
        unseen,
        current.count(),
        checks,
        passed);
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }

  /** Estimated count of values outside the reference's [min, max]; empty where not numeric. */
  static OptionalDouble outOfRange(ColumnProfile reference, ColumnProfile current) {
    DataType type = current.type();
    boolean numeric =
        type == DataType.INTEGER
            || type == DataType.DOUBLE
            || type == DataType.DATE
            || type == DataType.TIMESTAMP;
    if (!numeric || reference.min().isEmpty() || reference.max().isEmpty()) {
      return OptionalDouble.empty();
    }
    double low = reference.min().getAsDouble();
    /* Time moves on: a date after the reference's newest is the normal course of things, not a
    broken feed. Only dates before the reference's oldest (1970 defaults, swapped fields) count. */
    boolean temporal = type == DataType.DATE || type == DataType.TIMESTAMP;
    double high = temporal ? Double.POSITIVE_INFINITY : reference.max().getAsDouble();
    double nonFinite = current.nanCount() + current.infiniteCount();
    if (current.min().isEmpty()) {
      return OptionalDouble.of(nonFinite);
    }
    double min = current.min().getAsDouble();
    double max = current.max().getAsDouble();
    double finite = current.count() - nonFinite;
    if (min >= low && max <= high) {
      return OptionalDouble.of(nonFinite);
    }
    if (min > high || max < low) {
      return OptionalDouble.of(finite + nonFinite);
    }
    double below = min < low ? current.rank(Math.nextDown(low)).orElse(0) : 0;
    double above = max > high ? 1 - current.rank(high).orElse(1) : 0;
    // The sketch may round a value just outside the range to none; at least one is out.
    double out = Math.max(1, Math.round((below + above) * finite));
    return OptionalDouble.of(Math.min(finite, out) + nonFinite);
  }

  /** Count of values of categories the reference never had; empty where that cannot be told. */
  static OptionalDouble unseen(ColumnProfile reference, ColumnProfile current) {
    DataType type = current.type();
    if (type != DataType.STRING && type != DataType.BOOLEAN) {
      return OptionalDouble.empty();
    }
    Map<String, Long> known = reference.categoryCounts();
    if (known.containsKey(ColumnProfile.OTHER_VALUES)) {
      return OptionalDouble.empty();
    }
    Set<String> seen = known.keySet();
    long unseen = 0;
    for (Map.Entry<String, Long> e : current.categoryCounts().entrySet()) {
      if (!e.getKey().equals(ColumnProfile.OTHER_VALUES) && !seen.contains(e.getKey())) {
        unseen += e.getValue();
      }
    }
    return OptionalDouble.of(unseen);
  }

  /**
   * The points of a report: {@link MonitorMetric#MISSING_SHARE}, {@link
   * MonitorMetric#OUT_OF_RANGE_SHARE} and {@link MonitorMetric#UNSEEN_CATEGORY_SHARE} per column
   * and overall (column ""), {@link MonitorMetric#SCHEMA_VIOLATION_SHARE} and {@link
   * MonitorMetric#QUALITY_SCORE}.
   */
  public static List<MetricPoint> points(FigureScope scope, Report report) {
    requireNonNull(scope, "scope is null");
    requireNonNull(report, "report is null");
    List<MetricPoint> points = new ArrayList<>();
    long cells = 0;
    long outValues = 0;
    long unseenValues = 0;
    for (ColumnQuality c : report.columns()) {
      cells += c.rows();
      add(points, scope, MonitorMetric.MISSING_SHARE, c.column(), c.missingShare(), c.rows());
      add(
          points,
          scope,
          MonitorMetric.OUT_OF_RANGE_SHARE,
          c.column(),
          c.outOfRangeShare(),
          c.values());
      add(
          points,
          scope,
          MonitorMetric.UNSEEN_CATEGORY_SHARE,
          c.column(),
          c.unseenShare(),
          c.values());
      outValues += c.outOfRange().isPresent() ? c.values() : 0;
      unseenValues += c.unseen().isPresent() ? c.values() : 0;
    }
    add(points, scope, MonitorMetric.MISSING_SHARE, "", report.missingShare(), cells);
    add(points, scope, MonitorMetric.OUT_OF_RANGE_SHARE, "", report.outOfRangeShare(), outValues);
    add(points, scope, MonitorMetric.UNSEEN_CATEGORY_SHARE, "", report.unseenShare(), unseenValues);
    add(
        points,
        scope,
        MonitorMetric.SCHEMA_VIOLATION_SHARE,
        "",
        report.schemaViolationShare(),
        report.rows());
    add(points, scope, MonitorMetric.QUALITY_SCORE, "", report.qualityScore(), report.rows());
    return points;
  }

  private static void add(
      List<MetricPoint> points,
      FigureScope scope,
      MonitorMetric metric,
      String column,
      OptionalDouble value,
      long count) {
    if (value.isPresent()) {
      points.add(scope.point(metric, column, value.getAsDouble(), count));
    }
  }
}
