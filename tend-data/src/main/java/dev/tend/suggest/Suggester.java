package dev.tend.suggest;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.CheckResult;
import dev.tend.checks.Formats;
import dev.tend.checks.Suite;
import dev.tend.engine.Dataset;
import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnSummary;
import dev.tend.profile.DatasetProfile;
import dev.tend.report.ProfileValues;
import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.suite.RunOptions;
import dev.tend.suite.SuiteParser;
import dev.tend.suite.SuiteRunner;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Proposes a suite from known-good data: schema and types, completeness, value ranges with margins,
 * categorical domains, text shapes, keys, row count and its history, timeliness. Every check
 * carries its evidence. The suite is run on its source before it is returned, and a check that
 * would fail there is left out, so the suggestion always passes on the data it came from.
 */
public final class Suggester {
  /** Largest domain proposed as an {@code in_set} check. */
  static final int MAX_DOMAIN = 50;

  private Suggester() {}

  /** What was suggested, and what was left out because it failed on the source. */
  public record Suggestion(String yaml, List<SuggestedCheck> checks, List<String> leftOut) {
    public Suggestion {
      requireNonNull(yaml, "yaml is null");
      checks = List.copyOf(checks);
      leftOut = List.copyOf(leftOut);
    }
  }

  public static Suggestion suggest(
      Dataset dataset, DatasetProfile profile, String name, String source, Instant asOf) {
    List<SuggestedCheck> checks = new ArrayList<>();
    checks.add(schema(dataset));
    long rows = profile.rowCount();
    if (rows > 0) {
      long min = Math.max(1, (long) Math.ceil(rows * 0.5));
      checks.add(
          check(
              "row_count",
              args("min", min),
              "error",
              Formats.count(rows) + " rows in the source; a batch under half of that is suspect"));
    }
    for (ColumnProfile column : profile.columns()) {
      checks.addAll(columnChecks(column, rows, asOf));
    }
    List<SuggestedCheck> keys = keys(dataset, profile);
    checks.addAll(keys);
    if (keys.isEmpty()) {
      wholeRowDuplicates(dataset).ifPresent(checks::add);
    }
    checks.add(
        check(
            "anomaly",
            args("metric", "row_count", "max_decrease", "50%"),
            "error",
            "row count must not fall by more than half from one run to the next"));
    String header =
        "Suggested by tend suggest from " + source + " (" + Formats.count(rows) + " rows).";
    String yaml = SuiteYaml.write(name, header, checks);
    List<String> leftOut = new ArrayList<>();
    Suite suite = SuiteParser.parse(yaml, "suggested suite", name);
    SuiteRunner.Run run =
        SuiteRunner.run(
            suite, dataset, source, RunOptions.defaults().withSampleSize(0).withNow(asOf));
    List<SuggestedCheck> kept = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      CheckResult result = run.report().results().get(i);
      if (result.passed()) {
        kept.add(checks.get(i));
      } else {
        leftOut.add(result.check().name() + ": " + result.observed());
      }
    }
    return new Suggestion(SuiteYaml.write(name, header, kept), kept, leftOut);
  }

  private static SuggestedCheck schema(Dataset dataset) {
    List<Object> columns = new ArrayList<>();
    for (Column column : dataset.schema().columns()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", column.name());
      if (column.type() != DataType.OTHER) {
        entry.put("type", column.type().label());
      }
      columns.add(entry);
    }
    return check(
        "schema",
        args("columns", columns, "allow_extra", false),
        "error",
        dataset.schema().columns().size()
            + " columns: "
            + dataset.schema().columns().stream()
                .map(c -> c.name() + " " + c.sourceType())
                .collect(Collectors.joining(", ")));
  }

  private static List<SuggestedCheck> columnChecks(ColumnProfile column, long rows, Instant asOf) {
    List<SuggestedCheck> checks = new ArrayList<>();
    String name = column.column();
    if (rows == 0) {
      return checks;
    }
    double missing = (double) column.missing() / rows;
    if (column.missing() == 0) {
      checks.add(
          check(
              "completeness",
              args("column", name),
              "error",
              "no missing values in " + Formats.count(rows) + " rows"));
    } else if (missing < 0.5) {
      double allowed = roundUp(Math.min(1, missing * 1.5 + 0.01));
      checks.add(
          check(
              "completeness",
              args("column", name, "max_missing", percent(allowed)),
              "error",
              "missing "
                  + Formats.percent(missing)
                  + " ("
                  + Formats.count(column.missing())
                  + " of "
                  + Formats.count(rows)
                  + " rows); allowed with margin"));
    }
    if (column.count() == 0) {
      return checks;
    }
    DataType type = column.type();
    if (type.isNumeric()) {
      checks.addAll(numeric(column));
    } else if (type.isTemporal()) {
      checks.addAll(temporal(column, asOf));
    } else if (type == DataType.STRING) {
      checks.addAll(text(column));
    } else if (type == DataType.BOOLEAN) {
      return checks;
    }
    return checks;
  }

  private static List<SuggestedCheck> numeric(ColumnProfile column) {
    List<SuggestedCheck> checks = new ArrayList<>();
    String name = column.column();
    double min = column.min().orElse(0);
    double max = column.max().orElse(0);
    double range = max - min;
    double margin = range == 0 ? Math.max(1, Math.abs(max) * 0.1) : range * 0.1;
    boolean integer = column.type() == DataType.INTEGER;
    double low = min - margin;
    if (min >= 0) {
      low = Math.max(0, low);
      checks.add(
          check("non_negative", args("column", name), "error", "min " + Formats.number(min)));
    }
    double high = max + margin;
    checks.add(
        check(
            "between",
            args(
                "column",
                name,
                "min",
                bound(low, integer, false),
                "max",
                bound(high, integer, true)),
            "error",
            "observed "
                + Formats.number(min)
                + " to "
                + Formats.number(max)
                + quantileEvidence(column)
                + "; bounds widened by 10% of the range"));
    if (column.mean().isPresent()
        && column.stddev().isPresent()
        && column.stddev().getAsDouble() > 0) {
      double mean = column.mean().getAsDouble();
      double stddev = column.stddev().getAsDouble();
      checks.add(
          check(
              "statistic",
              args(
                  "column",
                  name,
                  "stat",
                  "mean",
                  "min",
                  round(mean - stddev / 2, false),
                  "max",
                  round(mean + stddev / 2, true)),
              "error",
              "mean "
                  + Formats.number(mean)
                  + ", stddev "
                  + Formats.number(stddev)
                  + "; a shift of half a standard deviation (a unit change, a broken feed) fails"));
    }
    return checks;
  }

  private static String quantileEvidence(ColumnProfile column) {
    if (column.quantile(0.01).isEmpty()) {
      return "";
    }
    return " (p1 "
        + Formats.number(column.quantile(0.01).getAsDouble())
        + ", p99 "
        + Formats.number(column.quantile(0.99).getAsDouble())
        + ")";
  }

  /** Days beyond which data is taken as historic, not live, and gets no freshness check. */
  static final long LIVE_DAYS = 30;

  private static List<SuggestedCheck> temporal(ColumnProfile column, Instant asOf) {
    List<SuggestedCheck> checks = new ArrayList<>();
    long min = column.minLong().orElse(0);
    long max = column.maxLong().orElse(0);
    long span = Math.max(max - min, MICROS_PER_DAY);
    String low = String.valueOf(ProfileValues.temporal(column.type(), min - span));
    checks.add(
        check(
            "between",
            args("column", column.column(), "min", low),
            "error",
            "observed "
                + ProfileValues.temporal(column.type(), min)
                + " to "
                + ProfileValues.temporal(column.type(), max)
                + "; values older than one span before the start are stale"));
    long asOfMicros = asOf.getEpochSecond() * 1_000_000L + asOf.getNano() / 1_000L;
    long age = asOfMicros - max;
    if (age >= 0 && age <= LIVE_DAYS * MICROS_PER_DAY) {
      long hours = Math.max(24, (long) Math.ceil(2.0 * age / MICROS_PER_HOUR));
      String maxAge = hours % 24 == 0 ? hours / 24 + "d" : hours + "h";
      checks.add(
          check(
              "freshness",
              args("column", column.column(), "max_age", maxAge),
              "error",
              "the newest value is "
                  + Formats.duration(java.time.Duration.ofNanos(age * 1000))
                  + " old as of "
                  + asOf
                  + "; a batch twice as old (at least a day) is stale"));
    }
    return checks;
  }

  private static final long MICROS_PER_HOUR = 3_600_000_000L;
  private static final long MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

  private static List<SuggestedCheck> text(ColumnProfile column) {
    List<SuggestedCheck> checks = new ArrayList<>();
    String name = column.column();
    List<ColumnSummary.ValueCount> top = column.topValues(MAX_DOMAIN + 1);
    long covered = top.stream().mapToLong(ColumnSummary.ValueCount::count).sum();
    boolean exactDomain =
        top.size() <= MAX_DOMAIN
            && covered == column.count()
            && top.stream().allMatch(v -> v.lowerBound() == v.upperBound())
            && top.size() * 2L <= column.count();
    if (exactDomain) {
      List<Object> values =
          top.stream()
              .map(v -> (Object) v.value().toString())
              .sorted((a, b) -> a.toString().compareTo(b.toString()))
              .toList();
      checks.add(
          check(
              "in_set",
              args("column", name, "values", values),
              "error",
              top.size()
                  + " distinct values in "
                  + Formats.count(column.count())
                  + "; most frequent "
                  + top.get(0).value()
                  + " ("
                  + Formats.count(top.get(0).count())
                  + ")"));
    }
    column
        .lengths()
        .ifPresent(
            lengths -> {
              if (!exactDomain) {
                long low =
                    lengths.min() == lengths.max()
                        ? lengths.min()
                        : Math.max(0, (long) Math.floor(lengths.min() * 0.5));
                long high =
                    lengths.min() == lengths.max()
                        ? lengths.max()
                        : (long) Math.ceil(lengths.max() * 1.5) + 1;
                checks.add(
                    check(
                        "length",
                        args("column", name, "min", low, "max", high),
                        "error",
                        "lengths "
                            + lengths.min()
                            + " to "
                            + lengths.max()
                            + (lengths.min() == lengths.max()
                                ? ", always the same"
                                : "; widened by half")));
              }
            });
    if (!exactDomain) {
      Optional<String> shape =
          TextShapes.common(top.stream().map(v -> v.value().toString()).toList());
      if (shape.isPresent() && covered * 10 >= column.count() * 9L) {
        checks.add(
            check(
                "regex",
                args("column", name, "pattern", shape.get()),
                "error",
                "the "
                    + top.size()
                    + " most frequent values ("
                    + Formats.percent((double) covered / column.count())
                    + " of rows) all look like "
                    + shape.get()));
      }
    }
    return checks;
  }

  /** Single columns whose values are all distinct (checked exactly) are proposed as keys. */
  private static List<SuggestedCheck> keys(Dataset dataset, DatasetProfile profile) {
    List<String> candidates = new ArrayList<>();
    for (ColumnProfile column : profile.columns()) {
      boolean keyType = column.type() == DataType.INTEGER || column.type() == DataType.STRING;
      if (keyType
          && column.missing() == 0
          && column.count() > 1
          && column.distinct().map(d -> d.upperBound() >= column.count()).orElse(false)) {
        candidates.add(column.column());
      }
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    List<Metric> metrics = new ArrayList<>();
    for (String candidate : candidates) {
      metrics.add(new Metric.DistinctCount(List.of(candidate), Optional.empty()));
    }
    MetricValues values = dataset.compute(metrics);
    List<SuggestedCheck> checks = new ArrayList<>();
    for (String candidate : candidates) {
      long distinct = values.count(new Metric.DistinctCount(List.of(candidate), Optional.empty()));
      if (distinct == profile.rowCount()) {
        checks.add(
            check(
                "unique",
                args("column", candidate),
                "error",
                "all " + Formats.count(distinct) + " values distinct"));
      }
    }
    return checks;
  }

  /**
   * Duplicated rows over all columns, allowed up to what the source has, for data without a natural
   * key (a batch delivered twice doubles them).
   */
  private static Optional<SuggestedCheck> wholeRowDuplicates(Dataset dataset) {
    List<String> columns = dataset.schema().names();
    boolean comparable =
        columns.size() >= 2
            && dataset.schema().columns().stream().noneMatch(c -> c.type() == DataType.OTHER);
    if (!comparable) {
      return Optional.empty();
    }
    Expr keyed = null;
    for (String column : columns) {
      Expr notNull = Expr.isNotNull(Expr.column(column));
      keyed = keyed == null ? notNull : Expr.and(keyed, notNull);
    }
    Optional<Expr> where = Optional.of(keyed);
    Metric rows = new Metric.RowCount(where);
    Metric distinct = new Metric.DistinctCount(columns, where);
    MetricValues values = dataset.compute(List.of(rows, distinct));
    long complete = values.count(rows);
    if (complete == 0) {
      return Optional.empty();
    }
    long duplicates = complete - values.count(distinct);
    Map<String, Object> args = args("columns", List.<Object>copyOf(columns));
    if (duplicates > 0) {
      args.put("max_duplicates", duplicates + Math.max(1, duplicates / 10));
    }
    return Optional.of(
        check(
            "unique",
            args,
            "error",
            Formats.count(duplicates)
                + " duplicated rows among "
                + Formats.count(complete)
                + " complete rows; a batch delivered twice fails"));
  }

  private static SuggestedCheck check(
      String kind, Map<String, Object> args, String severity, String evidence) {
    return new SuggestedCheck(kind, args, severity, evidence);
  }

  private static Map<String, Object> args(Object... keysAndValues) {
    Map<String, Object> args = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      args.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return args;
  }

  private static Object bound(double value, boolean integer, boolean up) {
    if (integer) {
      return (long) (up ? Math.ceil(value) : Math.floor(value));
    }
    return round(value, up);
  }

  /** Four significant digits, rounded outward. */
  static Object round(double value, boolean up) {
    if (value == 0 || !Double.isFinite(value)) {
      return value;
    }
    BigDecimal rounded =
        new BigDecimal(value)
            .round(new MathContext(4, up ? RoundingMode.CEILING : RoundingMode.FLOOR));
    return rounded.stripTrailingZeros().scale() <= 0
        ? (Object) rounded.longValueExact()
        : (Object) rounded.doubleValue();
  }

  private static double roundUp(double fraction) {
    return new BigDecimal(fraction).round(new MathContext(2, RoundingMode.CEILING)).doubleValue();
  }

  private static String percent(double fraction) {
    return new BigDecimal(fraction * 100)
            .round(new MathContext(3, RoundingMode.CEILING))
            .stripTrailingZeros()
            .toPlainString()
        + "%";
  }
}
