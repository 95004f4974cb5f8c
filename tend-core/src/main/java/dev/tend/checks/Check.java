package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import dev.tend.expr.Expr;
import dev.tend.metric.Stat;
import dev.tend.schema.DataType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One declarative data-quality check of a suite. The kinds form a closed set; {@link
 * CheckEvaluator} says which metrics each needs and judges them.
 */
public sealed interface Check
    permits Check.SchemaCheck,
        Check.RowCountCheck,
        Check.CompletenessCheck,
        Check.ValidityCheck,
        Check.UniquenessCheck,
        Check.RuleCheck,
        Check.FreshnessCheck,
        Check.StatisticCheck,
        Check.DistributionCheck,
        Check.AnomalyCheck {

  CheckHeader header();

  /** The kind as written in suite files, for example {@code completeness}. */
  String kind();

  Dimension dimension();

  /** The columns the check reads; each must exist in the data or be declared by a schema check. */
  List<String> columns();

  default String name() {
    return header().name();
  }

  /** A column the data must (or may) have. */
  record ExpectedColumn(String name, Optional<DataType> type, boolean required) {
    public ExpectedColumn {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }
  }

  /** Columns, their types, and whether columns the suite does not name are allowed. */
  record SchemaCheck(CheckHeader header, List<ExpectedColumn> expected, boolean allowExtra)
      implements Check {
    public SchemaCheck {
      requireNonNull(header, "header is null");
      expected = List.copyOf(requireNonNull(expected, "expected is null"));
    }

    @Override
    public String kind() {
      return "schema";
    }

    @Override
    public Dimension dimension() {
      return Dimension.VALIDITY;
    }

    @Override
    public List<String> columns() {
      return List.of();
    }
  }

  record RowCountCheck(CheckHeader header, OptionalLong min, OptionalLong max) implements Check {
    public RowCountCheck {
      requireNonNull(header, "header is null");
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
    }

    @Override
    public String kind() {
      return "row_count";
    }

    @Override
    public Dimension dimension() {
      return Dimension.COMPLETENESS;
    }

    @Override
    public List<String> columns() {
      return List.of();
    }
  }

  /** At most {@code maxMissing} (a fraction) of the rows may have no value in {@code column}. */
  record CompletenessCheck(CheckHeader header, String column, double maxMissing) implements Check {
    public CompletenessCheck {
      requireNonNull(header, "header is null");
      requireNonNull(column, "column is null");
      requireFraction(maxMissing, "maxMissing");
    }

    @Override
    public String kind() {
      return "completeness";
    }

    @Override
    public Dimension dimension() {
      return Dimension.COMPLETENESS;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /**
   * Values of {@code column} must satisfy {@code rule}; missing values are not judged here (that is
   * completeness). At most {@code maxInvalid} (a fraction) of the non-missing values may fail.
   */
  record ValidityCheck(CheckHeader header, String column, ValidityRule rule, double maxInvalid)
      implements Check {
    public ValidityCheck {
      requireNonNull(header, "header is null");
      requireNonNull(column, "column is null");
      requireNonNull(rule, "rule is null");
      requireFraction(maxInvalid, "maxInvalid");
    }

    @Override
    public String kind() {
      return rule.kind();
    }

    @Override
    public Dimension dimension() {
      return Dimension.VALIDITY;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /** The key over {@code keyColumns} must be unique; at most {@code maxDuplicates} extra rows. */
  record UniquenessCheck(CheckHeader header, List<String> keyColumns, long maxDuplicates)
      implements Check {
    public UniquenessCheck {
      requireNonNull(header, "header is null");
      keyColumns = List.copyOf(requireNonNull(keyColumns, "keyColumns is null"));
      if (keyColumns.isEmpty()) {
        throw new IllegalArgumentException("uniqueness needs at least one column");
      }
      if (maxDuplicates < 0) {
        throw new IllegalArgumentException("maxDuplicates is negative");
      }
    }

    @Override
    public String kind() {
      return "unique";
    }

    @Override
    public Dimension dimension() {
      return Dimension.UNIQUENESS;
    }

    @Override
    public List<String> columns() {
      return keyColumns;
    }
  }

  /**
   * A consistency rule in the expression language that every row must satisfy (a NULL result counts
   * as not satisfied); at most {@code maxFailing} (a fraction) of the rows may fail.
   */
  record RuleCheck(
      CheckHeader header, String expression, Expr rule, List<String> columns, double maxFailing)
      implements Check {
    public RuleCheck {
      requireNonNull(header, "header is null");
      requireNonNull(expression, "expression is null");
      requireNonNull(rule, "rule is null");
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      requireFraction(maxFailing, "maxFailing");
    }

    @Override
    public String kind() {
      return "rule";
    }

    @Override
    public Dimension dimension() {
      return Dimension.CONSISTENCY;
    }
  }

  /** The newest value of a timestamp column may be at most {@code maxAge} old. */
  record FreshnessCheck(CheckHeader header, String column, Duration maxAge) implements Check {
    public FreshnessCheck {
      requireNonNull(header, "header is null");
      requireNonNull(column, "column is null");
      requireNonNull(maxAge, "maxAge is null");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive");
      }
    }

    @Override
    public String kind() {
      return "freshness";
    }

    @Override
    public Dimension dimension() {
      return Dimension.TIMELINESS;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /** A statistic of a column must lie within bounds (inclusive). */
  record StatisticCheck(
      CheckHeader header,
      String column,
      Stat stat,
      double quantile,
      OptionalDouble min,
      OptionalDouble max)
      implements Check {
    public StatisticCheck {
      requireNonNull(header, "header is null");
      requireNonNull(column, "column is null");
      requireNonNull(stat, "stat is null");
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
      if (min.isEmpty() && max.isEmpty()) {
        throw new IllegalArgumentException("a statistic check needs min or max");
      }
    }

    @Override
    public String kind() {
      return "statistic";
    }

    @Override
    public Dimension dimension() {
      return Dimension.VALIDITY;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /**
   * The distribution of a column must stay close to the same column of a reference dataset: {@code
   * method} (psi, ks, js, wasserstein, chi2) must stay at or below {@code threshold}.
   */
  record DistributionCheck(
      CheckHeader header,
      String column,
      String reference,
      Optional<String> method,
      OptionalDouble threshold)
      implements Check {
    public DistributionCheck {
      requireNonNull(header, "header is null");
      requireNonNull(column, "column is null");
      requireNonNull(reference, "reference is null");
      requireNonNull(method, "method is null");
      requireNonNull(threshold, "threshold is null");
    }

    @Override
    public String kind() {
      return "distribution";
    }

    @Override
    public Dimension dimension() {
      return Dimension.CONSISTENCY;
    }

    @Override
    public List<String> columns() {
      return List.of(column);
    }
  }

  /** A metric must not move abnormally against its own history from earlier runs. */
  record AnomalyCheck(CheckHeader header, MetricRef metric, AnomalyRule rule) implements Check {
    public AnomalyCheck {
      requireNonNull(header, "header is null");
      requireNonNull(metric, "metric is null");
      requireNonNull(rule, "rule is null");
    }

    @Override
    public String kind() {
      return "anomaly";
    }

    /** The key its metric is kept under in history; a filtered metric is kept apart. */
    public String historyKey() {
      return metric.key() + header.whereText().map(w -> " where " + w).orElse("");
    }

    @Override
    public Dimension dimension() {
      return Dimension.CONSISTENCY;
    }

    @Override
    public List<String> columns() {
      return metric.column().map(List::of).orElse(List.of());
    }
  }

  private static void requireFraction(double value, String name) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be a fraction in [0, 1]: " + value);
    }
  }
}
