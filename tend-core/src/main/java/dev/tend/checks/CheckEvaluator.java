package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.Check.AnomalyCheck;
import dev.tend.checks.Check.CompletenessCheck;
import dev.tend.checks.Check.DistributionCheck;
import dev.tend.checks.Check.FreshnessCheck;
import dev.tend.checks.Check.RowCountCheck;
import dev.tend.checks.Check.RuleCheck;
import dev.tend.checks.Check.SchemaCheck;
import dev.tend.checks.Check.StatisticCheck;
import dev.tend.checks.Check.UniquenessCheck;
import dev.tend.checks.Check.ValidityCheck;
import dev.tend.checks.CheckResult.Outcome;
import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.metric.Stat;
import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Turns checks into metric requests and row predicates for an engine, and judges the metrics the
 * engine returns. Knows nothing about how metrics are computed, so every engine shares it.
 *
 * <p>Thread-safe: holds only the dataset schema.
 */
public final class CheckEvaluator {
  private final Schema schema;

  private CheckEvaluator(Schema schema) {
    this.schema = schema;
  }

  public static CheckEvaluator forSchema(Schema schema) {
    return new CheckEvaluator(requireNonNull(schema, "schema is null"));
  }

  /** Columns the check reads that the data does not have. */
  public List<String> missingColumns(Check check) {
    return check.columns().stream().filter(c -> !schema.has(c)).distinct().toList();
  }

  /**
   * A predicate that is TRUE exactly for the rows a row-level check rejects (the check's {@code
   * where} filter not included). Empty for checks that judge the dataset as a whole; uniqueness
   * failures are found by key instead.
   */
  public Optional<Expr> failingRows(Check check) {
    return switch (check) {
      case CompletenessCheck c -> Optional.of(Expr.isNull(Expr.column(c.column())));
      case ValidityCheck v -> {
        Expr column = Expr.column(v.column());
        yield Optional.of(Expr.and(Expr.isNotNull(column), Expr.not(validValue(v, column))));
      }
      case RuleCheck r ->
          Optional.of(Expr.not(Expr.call("coalesce", r.rule(), Expr.literal(Boolean.FALSE))));
      case SchemaCheck s -> Optional.empty();
      case RowCountCheck r -> Optional.empty();
      case UniquenessCheck u -> Optional.empty();
      case FreshnessCheck f -> Optional.empty();
      case StatisticCheck s -> Optional.empty();
      case DistributionCheck d -> Optional.empty();
      case AnomalyCheck a -> Optional.empty();
    };
  }

  /** The metrics the check needs; none when a column it reads is missing. */
  public List<Metric> metrics(Check check) {
    if (!missingColumns(check).isEmpty()) {
      return List.of();
    }
    Optional<Expr> where = check.header().where();
    return switch (check) {
      case CompletenessCheck c ->
          List.of(
              new Metric.RowCount(where),
              new Metric.CountWhere(failingRows(c).orElseThrow(), where));
      case ValidityCheck v ->
          List.of(
              new Metric.Aggregate(v.column(), Stat.NULL_COUNT, 0, where),
              new Metric.RowCount(where),
              new Metric.CountWhere(failingRows(v).orElseThrow(), where));
      case RuleCheck r ->
          List.of(
              new Metric.RowCount(where),
              new Metric.CountWhere(failingRows(r).orElseThrow(), where));
      case UniquenessCheck u -> {
        Optional<Expr> keyed = keyedRows(u);
        yield List.of(new Metric.RowCount(keyed), new Metric.DistinctCount(u.keyColumns(), keyed));
      }
      case RowCountCheck r -> List.of(new Metric.RowCount(where));
      case FreshnessCheck f -> List.of(new Metric.Aggregate(f.column(), Stat.MAX, 0, where));
      case StatisticCheck s ->
          List.of(new Metric.Aggregate(s.column(), s.stat(), s.quantile(), where));
      case AnomalyCheck a -> metricsFor(a.metric(), where);
      case SchemaCheck s -> List.of();
      case DistributionCheck d -> List.of();
    };
  }

  /** The metrics needed to observe a named metric. */
  public static List<Metric> metricsFor(MetricRef ref, Optional<Expr> where) {
    return switch (ref) {
      case MetricRef.RowCount r -> List.of(new Metric.RowCount(where));
      case MetricRef.MissingFraction m ->
          List.of(
              new Metric.RowCount(where),
              new Metric.Aggregate(m.name(), Stat.NULL_COUNT, 0, where));
      case MetricRef.ColumnStat s -> List.of(new Metric.Aggregate(s.name(), s.stat(), 0, where));
    };
  }

  /** The value of a named metric, empty when it has none (for example the mean of no rows). */
  public static OptionalDouble observe(MetricRef ref, Optional<Expr> where, MetricValues values) {
    return switch (ref) {
      case MetricRef.RowCount r -> values.get(new Metric.RowCount(where));
      case MetricRef.MissingFraction m -> {
        long rows = values.count(new Metric.RowCount(where));
        long missing = values.count(new Metric.Aggregate(m.name(), Stat.NULL_COUNT, 0, where));
        yield rows == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) missing / rows);
      }
      case MetricRef.ColumnStat s -> values.get(new Metric.Aggregate(s.name(), s.stat(), 0, where));
    };
  }

  /** Judges a check. Distribution checks are judged by {@link #judgeDistribution}. */
  public CheckResult evaluate(Check check, MetricValues values, EvaluationContext context) {
    List<String> missing = missingColumns(check);
    if (!missing.isEmpty() && !(check instanceof SchemaCheck)) {
      return missingColumnsResult(check, missing);
    }
    return switch (check) {
      case SchemaCheck s -> evaluateSchema(s);
      case RowCountCheck r -> evaluateRowCount(r, values);
      case CompletenessCheck c -> evaluateCompleteness(c, values);
      case ValidityCheck v -> evaluateValidity(v, values);
      case UniquenessCheck u -> evaluateUniqueness(u, values);
      case RuleCheck r -> evaluateRule(r, values);
      case FreshnessCheck f -> evaluateFreshness(f, values, context);
      case StatisticCheck s -> evaluateStatistic(s, values);
      case AnomalyCheck a -> evaluateAnomaly(a, values, context);
      case DistributionCheck d ->
          CheckResult.error(d, "distribution checks need a reference profile");
    };
  }

  /** Judges a distribution check on a drift statistic computed against its reference. */
  public static CheckResult judgeDistribution(
      DistributionCheck check, String method, double statistic, double threshold, String detail) {
    boolean ok = statistic <= threshold;
    return result(
        check,
        ok,
        method + " = " + Formats.number(statistic) + (detail.isEmpty() ? "" : " (" + detail + ")"),
        method + " <= " + Formats.number(threshold) + " against " + check.reference(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        ok ? 1 : 0);
  }

  private static CheckResult missingColumnsResult(Check check, List<String> missing) {
    String names = missing.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
    return new CheckResult(
        check,
        Outcome.FAILED,
        "column " + names + " missing",
        "column " + names + " present",
        OptionalLong.empty(),
        OptionalLong.empty(),
        0,
        Optional.of("the data has no column " + names),
        List.of());
  }

  private Expr validValue(ValidityCheck check, Expr column) {
    DataType type = schema.column(check.column()).map(Column::type).orElse(DataType.STRING);
    return switch (check.rule()) {
      case ValidityRule.Between b -> {
        Optional<Expr> low = b.min().map(m -> ge(column, coerce(m, type)));
        Optional<Expr> high = b.max().map(m -> ge(coerce(m, type), column));
        yield low.isPresent() && high.isPresent()
            ? Expr.and(low.get(), high.get())
            : low.orElseGet(high::orElseThrow);
      }
      case ValidityRule.InSet s ->
          new Expr.InList(
              column,
              s.values().stream().map(v -> (Expr) coerce(v, type)).toList(),
              false,
              Expr.Position.NONE);
      case ValidityRule.Pattern p ->
          Expr.call("regexp_matches", column, Expr.literal("^(?:" + p.regex() + ")$"));
      case ValidityRule.Conforms c -> Expr.call("conforms", column, Expr.literal(c.type().label()));
      case ValidityRule.NonNegative n -> ge(column, Expr.literal(0L));
      case ValidityRule.Length l -> {
        Expr length = Expr.call("length", column);
        Optional<Expr> low = boxed(l.min()).map(m -> ge(length, Expr.literal(m)));
        Optional<Expr> high = boxed(l.max()).map(m -> ge(Expr.literal(m), length));
        yield low.isPresent() && high.isPresent()
            ? Expr.and(low.get(), high.get())
            : low.orElseGet(high::orElseThrow);
      }
    };
  }

  private static Optional<Long> boxed(OptionalLong value) {
    return value.isPresent() ? Optional.of(value.getAsLong()) : Optional.empty();
  }

  private static Expr ge(Expr left, Expr right) {
    return new Expr.Binary(Expr.BinaryOp.GE, left, right, Expr.Position.NONE);
  }

  /** Gives a suite literal the column's type: text for text columns, instants for time. */
  private static Expr.Literal coerce(Expr.Literal literal, DataType type) {
    Object value = literal.value();
    if (value == null) {
      return literal;
    }
    return switch (type) {
      case STRING -> new Expr.Literal(value.toString(), DataType.STRING, Expr.Position.NONE);
      case DATE, TIMESTAMP ->
          value instanceof String text ? new Expr.Literal(text, type, Expr.Position.NONE) : literal;
      default -> literal;
    };
  }

  private Optional<Expr> keyedRows(UniquenessCheck check) {
    Expr keyed = null;
    for (String key : check.keyColumns()) {
      Expr notNull = Expr.isNotNull(Expr.column(key));
      keyed = keyed == null ? notNull : Expr.and(keyed, notNull);
    }
    Optional<Expr> where = check.header().where();
    return Optional.of(where.isPresent() ? Expr.and(where.get(), keyed) : keyed);
  }

  private CheckResult evaluateSchema(SchemaCheck check) {
    List<String> problems = new ArrayList<>();
    List<String> named = new ArrayList<>();
    for (Check.ExpectedColumn expected : check.expected()) {
      named.add(expected.name());
      Optional<Column> actual = schema.column(expected.name());
      if (actual.isEmpty()) {
        if (expected.required()) {
          problems.add("missing " + expected.name());
        }
        continue;
      }
      if (expected.type().isPresent() && !typeMatches(expected.type().get(), actual.get().type())) {
        problems.add(
            expected.name()
                + " is "
                + actual.get().type().label()
                + " ("
                + actual.get().sourceType()
                + "), expected "
                + expected.type().get().label());
      }
    }
    if (!check.allowExtra()) {
      for (Column column : schema.columns()) {
        if (!named.contains(column.name())) {
          problems.add("unexpected column " + column.name());
        }
      }
    }
    String expected =
        check.expected().size()
            + " columns"
            + (check.allowExtra() ? ", others allowed" : ", no others");
    boolean ok = problems.isEmpty();
    String observed =
        ok ? schema.columns().size() + " columns as expected" : String.join("; ", problems);
    return result(
        check, ok, observed, expected, OptionalLong.empty(), OptionalLong.empty(), ok ? 1 : 0);
  }

  /** An integer column satisfies an expected double; everything else must match exactly. */
  public static boolean typeMatches(DataType expected, DataType actual) {
    return expected == actual || expected == DataType.DOUBLE && actual == DataType.INTEGER;
  }

  private static CheckResult evaluateRowCount(RowCountCheck check, MetricValues values) {
    long rows = values.count(new Metric.RowCount(check.header().where()));
    boolean ok =
        (check.min().isEmpty() || rows >= check.min().getAsLong())
            && (check.max().isEmpty() || rows <= check.max().getAsLong());
    return result(
        check,
        ok,
        Formats.count(rows) + " rows",
        bounds(
                check.min().isPresent()
                    ? OptionalDouble.of(check.min().getAsLong())
                    : OptionalDouble.empty(),
                check.max().isPresent()
                    ? OptionalDouble.of(check.max().getAsLong())
                    : OptionalDouble.empty())
            + " rows",
        OptionalLong.empty(),
        OptionalLong.of(rows),
        ok ? 1 : 0);
  }

  private CheckResult evaluateCompleteness(CompletenessCheck check, MetricValues values) {
    Optional<Expr> where = check.header().where();
    long rows = values.count(new Metric.RowCount(where));
    long missing = values.count(new Metric.CountWhere(failingRows(check).orElseThrow(), where));
    return rowLevel(
        check,
        missing,
        rows,
        check.maxMissing(),
        "missing",
        "missing <= " + Formats.percent(check.maxMissing()));
  }

  private CheckResult evaluateValidity(ValidityCheck check, MetricValues values) {
    Optional<Expr> where = check.header().where();
    long rows = values.count(new Metric.RowCount(where));
    long nulls = values.count(new Metric.Aggregate(check.column(), Stat.NULL_COUNT, 0, where));
    long invalid = values.count(new Metric.CountWhere(failingRows(check).orElseThrow(), where));
    String expected = describe(check.rule());
    if (check.maxInvalid() > 0) {
      expected += " (up to " + Formats.percent(check.maxInvalid()) + " invalid)";
    }
    return rowLevel(check, invalid, rows - nulls, check.maxInvalid(), "invalid", expected);
  }

  private static String describe(ValidityRule rule) {
    return switch (rule) {
      case ValidityRule.Between b ->
          b.min().isPresent() && b.max().isPresent()
              ? "between " + text(b.min().get()) + " and " + text(b.max().get())
              : b.min().isPresent()
                  ? ">= " + text(b.min().get())
                  : "<= " + text(b.max().orElseThrow());
      case ValidityRule.InSet s ->
          s.values().size() <= 8
              ? "in {"
                  + s.values().stream().map(CheckEvaluator::text).collect(Collectors.joining(", "))
                  + "}"
              : "in a set of " + s.values().size() + " values";
      case ValidityRule.Pattern p -> "matches /" + p.regex() + "/";
      case ValidityRule.Conforms c -> "parses as " + c.type().label();
      case ValidityRule.NonNegative n -> ">= 0";
      case ValidityRule.Length l ->
          "length "
              + bounds(
                  l.min().isPresent()
                      ? OptionalDouble.of(l.min().getAsLong())
                      : OptionalDouble.empty(),
                  l.max().isPresent()
                      ? OptionalDouble.of(l.max().getAsLong())
                      : OptionalDouble.empty());
    };
  }

  private static String text(Expr.Literal literal) {
    Object value = literal.value();
    return switch (value) {
      case null -> "null";
      case String s -> "'" + s + "'";
      case Double d -> Formats.number(d);
      default -> value.toString();
    };
  }

  private CheckResult evaluateRule(RuleCheck check, MetricValues values) {
    Optional<Expr> where = check.header().where();
    long rows = values.count(new Metric.RowCount(where));
    long failing = values.count(new Metric.CountWhere(failingRows(check).orElseThrow(), where));
    String expected =
        check.maxFailing() == 0
            ? "all rows satisfy " + check.expression()
            : "at most " + Formats.percent(check.maxFailing()) + " fail " + check.expression();
    return rowLevel(check, failing, rows, check.maxFailing(), "failing", expected);
  }

  private static CheckResult rowLevel(
      Check check, long failing, long evaluated, double maxFraction, String what, String expected) {
    double fraction = evaluated == 0 ? 0 : (double) failing / evaluated;
    boolean ok = fraction <= maxFraction;
    String observed =
        Formats.count(failing)
            + " of "
            + Formats.count(evaluated)
            + " rows "
            + what
            + " ("
            + Formats.percent(fraction)
            + ")";
    return result(
        check,
        ok,
        observed,
        expected,
        OptionalLong.of(failing),
        OptionalLong.of(evaluated),
        1 - fraction);
  }

  private CheckResult evaluateUniqueness(UniquenessCheck check, MetricValues values) {
    Optional<Expr> keyed = keyedRows(check);
    long rows = values.count(new Metric.RowCount(keyed));
    long distinct = values.count(new Metric.DistinctCount(check.keyColumns(), keyed));
    long duplicates = rows - distinct;
    boolean ok = duplicates <= check.maxDuplicates();
    String key = String.join(", ", check.keyColumns());
    return result(
        check,
        ok,
        Formats.count(duplicates) + " duplicate rows over (" + key + ") in " + Formats.count(rows),
        check.maxDuplicates() == 0
            ? "(" + key + ") unique"
            : "at most " + Formats.count(check.maxDuplicates()) + " duplicates",
        OptionalLong.of(duplicates),
        OptionalLong.of(rows),
        rows == 0 ? 1 : 1 - (double) duplicates / rows);
  }

  private static CheckResult evaluateFreshness(
      FreshnessCheck check, MetricValues values, EvaluationContext context) {
    OptionalDouble newest =
        values.get(new Metric.Aggregate(check.column(), Stat.MAX, 0, check.header().where()));
    String expected = "newest value at most " + Formats.duration(check.maxAge()) + " old";
    if (newest.isEmpty()) {
      return result(
          check, false, "no values", expected, OptionalLong.empty(), OptionalLong.empty(), 0);
    }
    long micros = (long) newest.getAsDouble();
    Duration age =
        Duration.between(
            java.time.Instant.EPOCH
                .plusSeconds(Math.floorDiv(micros, 1_000_000L))
                .plusNanos(Math.floorMod(micros, 1_000_000L) * 1000L),
            context.now());
    boolean ok = age.compareTo(check.maxAge()) <= 0;
    return result(
        check,
        ok,
        "newest " + Formats.epochMicros(micros) + ", " + Formats.duration(age) + " old",
        expected,
        OptionalLong.empty(),
        OptionalLong.empty(),
        ok ? 1 : 0);
  }

  private CheckResult evaluateStatistic(StatisticCheck check, MetricValues values) {
    Metric metric =
        new Metric.Aggregate(
            check.column(), check.stat(), check.quantile(), check.header().where());
    OptionalDouble value = values.get(metric);
    String expected = bounds(check.min(), check.max());
    boolean temporal =
        schema.column(check.column()).map(c -> c.type().isTemporal()).orElse(false)
            && check.stat() != Stat.STDDEV
            && check.stat() != Stat.APPROX_DISTINCT
            && check.stat() != Stat.NULL_COUNT;
    if (value.isEmpty()) {
      return result(
          check,
          false,
          metric.key() + " has no value",
          expected,
          OptionalLong.empty(),
          OptionalLong.empty(),
          0);
    }
    double v = value.getAsDouble();
    boolean ok =
        (check.min().isEmpty() || v >= check.min().getAsDouble())
            && (check.max().isEmpty() || v <= check.max().getAsDouble());
    String shown = temporal ? Formats.epochMicros(v) : Formats.number(v);
    return result(
        check,
        ok,
        metric.key() + " = " + shown,
        metric.key() + " " + expected,
        OptionalLong.empty(),
        OptionalLong.empty(),
        ok ? 1 : 0);
  }

  private static String bounds(OptionalDouble min, OptionalDouble max) {
    if (min.isPresent() && max.isPresent()) {
      return "between "
          + Formats.number(min.getAsDouble())
          + " and "
          + Formats.number(max.getAsDouble());
    }
    return min.isPresent()
        ? ">= " + Formats.number(min.getAsDouble())
        : "<= " + Formats.number(max.orElseThrow());
  }

  private static CheckResult evaluateAnomaly(
      AnomalyCheck check, MetricValues values, EvaluationContext context) {
    OptionalDouble current = observe(check.metric(), check.header().where(), values);
    String key = check.metric().key();
    if (current.isEmpty()) {
      return result(
          check,
          false,
          key + " has no value",
          "a value",
          OptionalLong.empty(),
          OptionalLong.empty(),
          0);
    }
    AnomalyJudgement judgement =
        AnomalyJudgement.judge(
            check.rule(), current.getAsDouble(), context.history().apply(check.historyKey()));
    return new CheckResult(
        check,
        judgement.normal() ? Outcome.PASSED : Outcome.FAILED,
        key + " = " + Formats.number(current.getAsDouble()) + judgement.observedDetail(),
        judgement.expected(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        judgement.normal() ? 1 : 0,
        judgement.note(),
        List.of());
  }

  private static CheckResult result(
      Check check,
      boolean ok,
      String observed,
      String expected,
      OptionalLong failing,
      OptionalLong evaluated,
      double score) {
    return new CheckResult(
        check,
        ok ? Outcome.PASSED : Outcome.FAILED,
        observed,
        expected,
        failing,
        evaluated,
        Math.max(0, Math.min(1, score)),
        Optional.empty(),
        List.of());
  }
}
