package dev.tend.suite;

import dev.tend.checks.Check;
import dev.tend.checks.CheckEvaluator;
import dev.tend.checks.SourceLocation;
import dev.tend.checks.Suite;
import dev.tend.checks.ValidityRule;
import dev.tend.expr.Expr;
import dev.tend.expr.ExpressionException;
import dev.tend.expr.ExpressionValidator;
import dev.tend.metric.Stat;
import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Names;
import dev.tend.schema.Schema;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that a suite fits a dataset before anything is computed: every column a check names exists
 * (or is declared by a schema check, so its absence is a finding, not a typo), has a type the check
 * can judge, and every expression type-checks against the schema.
 */
final class SuiteValidator {
  private SuiteValidator() {}

  /**
   * Validates {@code suite} against {@code schema} and returns the checks that cannot run because
   * the data contradicts a type the suite's schema check declares (a finding about the data, with
   * the reason), in suite order.
   *
   * @throws SuiteException for mistakes in the suite itself
   */
  static Map<Check, String> validate(Suite suite, Schema schema) {
    Set<String> declared = new HashSet<>();
    Map<String, DataType> declaredTypes = new HashMap<>();
    for (Check check : suite.checks()) {
      if (check instanceof Check.SchemaCheck s) {
        s.expected().forEach(c -> declared.add(c.name()));
        s.expected().forEach(c -> c.type().ifPresent(t -> declaredTypes.put(c.name(), t)));
      }
    }
    Map<Check, String> unusable = new LinkedHashMap<>();
    for (Check check : suite.checks()) {
      SourceLocation at = check.header().location();
      for (String column : check.columns()) {
        if (!schema.has(column) && !declared.contains(column)) {
          throw new SuiteException(
              at,
              "check '"
                  + check.name()
                  + "' names column '"
                  + column
                  + "', which the data does not have"
                  + Names.closest(column, schema.names())
                      .map(c -> "; did you mean '" + c + "'?")
                      .orElse("")
                  + " (columns: "
                  + String.join(", ", schema.names())
                  + ")");
        }
      }
      boolean columnsPresent = check.columns().stream().allMatch(schema::has);
      Optional<String> contradiction = contradiction(check, schema, declaredTypes);
      if (contradiction.isPresent() && columnsPresent) {
        unusable.put(check, contradiction.get());
        continue;
      }
      if (check.header().where().isPresent() && columnsPresent) {
        predicate(check, check.header().where().get(), schema, "where");
      }
      if (!columnsPresent) {
        continue;
      }
      switch (check) {
        case Check.RuleCheck rule -> predicate(check, rule.rule(), schema, "expression");
        case Check.ValidityCheck validity -> validity(validity, schema);
        case Check.FreshnessCheck freshness ->
            requireType(
                check, freshness.column(), schema, "a date or timestamp", DataType::isTemporal);
        case Check.StatisticCheck statistic -> statistic(statistic, schema);
        default -> {}
      }
    }
    return unusable;
  }

  /**
   * A column whose type in the data is not the type the schema check declares, for checks whose
   * meaning depends on the type (completeness, uniqueness and anomalies of counts do not).
   */
  private static Optional<String> contradiction(
      Check check, Schema schema, Map<String, DataType> declaredTypes) {
    boolean typeBound =
        switch (check) {
          case Check.CompletenessCheck c -> false;
          case Check.UniquenessCheck u -> false;
          case Check.RowCountCheck r -> false;
          case Check.SchemaCheck s -> false;
          case Check.AnomalyCheck a ->
              !(a.metric() instanceof dev.tend.checks.MetricRef.MissingFraction);
          default -> true;
        };
    if (!typeBound) {
      return Optional.empty();
    }
    for (String column : check.columns()) {
      DataType expected = declaredTypes.get(column);
      Optional<Column> actual = schema.column(column);
      if (expected != null
          && actual.isPresent()
          && !CheckEvaluator.typeMatches(expected, actual.get().type())) {
        return Optional.of(
            "column '"
                + column
                + "' is "
                + actual.get().type().label()
                + " ("
                + actual.get().sourceType()
                + ") but the schema declares "
                + expected.label());
      }
    }
    return Optional.empty();
  }

  private static void predicate(Check check, Expr expr, Schema schema, String what) {
    try {
      ExpressionValidator.checkPredicate(expr, schema);
    } catch (ExpressionException e) {
      throw new SuiteException(
          check.header().location(), "check '" + check.name() + "': " + what + ": " + e.describe());
    }
  }

  private static void validity(Check.ValidityCheck check, Schema schema) {
    String column = check.column();
    switch (check.rule()) {
      case ValidityRule.Between b -> {
        DataType type = type(schema, column);
        boolean temporalBounds =
            b.min().map(l -> l.value() instanceof String).orElse(false)
                || b.max().map(l -> l.value() instanceof String).orElse(false);
        if (type.isTemporal()
            ? !temporalBounds && (b.min().isPresent() || b.max().isPresent())
            : temporalBounds || !type.isNumeric()) {
          throw new SuiteException(
              check.header().location(),
              "check '"
                  + check.name()
                  + "': between needs a numeric column with numeric bounds or a date/timestamp"
                  + " column with bounds such as '2001-01-31'; column '"
                  + column
                  + "' is "
                  + type.label());
        }
      }
      case ValidityRule.NonNegative n ->
          requireType(check, column, schema, "a numeric", DataType::isNumeric);
      case ValidityRule.Pattern p ->
          requireType(check, column, schema, "a text", t -> t == DataType.STRING);
      case ValidityRule.Length l ->
          requireType(check, column, schema, "a text", t -> t == DataType.STRING);
      case ValidityRule.Conforms c ->
          requireType(check, column, schema, "a text", t -> t == DataType.STRING);
      case ValidityRule.InSet s -> {
        DataType type = type(schema, column);
        for (Expr.Literal value : s.values()) {
          boolean fits =
              value.value() == null
                  || type == DataType.STRING
                  || type.isNumeric()
                      && (value.value() instanceof Long || value.value() instanceof Double)
                  || type == DataType.BOOLEAN && value.value() instanceof Boolean
                  || type.isTemporal() && value.value() instanceof String;
          if (!fits) {
            throw new SuiteException(
                check.header().location(),
                "check '"
                    + check.name()
                    + "': value "
                    + value.value()
                    + " does not fit column '"
                    + column
                    + "' of type "
                    + type.label());
          }
        }
      }
    }
  }

  private static void statistic(Check.StatisticCheck check, Schema schema) {
    Stat stat = check.stat();
    switch (stat) {
      case MIN, MAX, MEAN, STDDEV, SUM, QUANTILE ->
          requireType(
              check,
              check.column(),
              schema,
              "a numeric, date or timestamp",
              t ->
                  t.isNumeric()
                      || t.isTemporal()
                      || t == DataType.BOOLEAN && (stat == Stat.MEAN || stat == Stat.SUM));
      default -> {}
    }
  }

  private static DataType type(Schema schema, String column) {
    return schema.column(column).map(Column::type).orElse(DataType.OTHER);
  }

  private static void requireType(
      Check check,
      String column,
      Schema schema,
      String what,
      java.util.function.Predicate<DataType> ok) {
    DataType type = type(schema, column);
    if (!ok.test(type)) {
      throw new SuiteException(
          check.header().location(),
          "check '"
              + check.name()
              + "' ("
              + check.kind()
              + ") needs "
              + what
              + " column; '"
              + column
              + "' is "
              + type.label());
    }
  }
}
