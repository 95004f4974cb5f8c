package dev.tend.metric;

import static java.util.Objects.requireNonNull;

import dev.tend.expr.Expr;
import java.util.List;
import java.util.Optional;

/**
 * An aggregate an engine computes over a dataset. Checks ask for metrics; an engine answers all of
 * one run's metrics together, in as few scans as it can (the DuckDB engine in one fused aggregate).
 * Every metric may carry a {@code where} filter that restricts the rows it counts.
 *
 * <p>Metrics are values: equal requests are computed once.
 */
public sealed interface Metric
    permits Metric.RowCount, Metric.CountWhere, Metric.Aggregate, Metric.DistinctCount {

  Optional<Expr> where();

  /** A short, stable, human-readable key such as {@code mean(delay)}, used in history. */
  String key();

  /** Number of rows (that pass {@code where}). */
  record RowCount(Optional<Expr> where) implements Metric {
    public RowCount {
      requireNonNull(where, "where is null");
    }

    @Override
    public String key() {
      return "row_count";
    }
  }

  /** Number of rows for which {@code predicate} is TRUE (NULL counts as not true). */
  record CountWhere(Expr predicate, Optional<Expr> where) implements Metric {
    public CountWhere {
      requireNonNull(predicate, "predicate is null");
      requireNonNull(where, "where is null");
    }

    @Override
    public String key() {
      return "count_where";
    }
  }

  /** A one-column aggregate. {@code quantile} is used only by {@link Stat#QUANTILE}. */
  record Aggregate(String column, Stat stat, double quantile, Optional<Expr> where)
      implements Metric {
    public Aggregate {
      requireNonNull(column, "column is null");
      requireNonNull(stat, "stat is null");
      requireNonNull(where, "where is null");
      if (stat == Stat.QUANTILE && !(quantile >= 0 && quantile <= 1)) {
        throw new IllegalArgumentException("quantile must be in [0, 1]: " + quantile);
      }
      if (stat != Stat.QUANTILE) {
        quantile = 0;
      }
    }

    public static Aggregate of(String column, Stat stat) {
      return new Aggregate(column, stat, 0, Optional.empty());
    }

    @Override
    public String key() {
      return stat == Stat.QUANTILE
          ? "quantile(" + column + ", " + quantile + ")"
          : stat.label() + "(" + column + ")";
    }
  }

  /**
   * Exact number of distinct non-null keys over {@code columns}; with {@link RowCount} of rows
   * whose key has no null it gives the duplicate count.
   */
  record DistinctCount(List<String> columns, Optional<Expr> where) implements Metric {
    public DistinctCount {
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      requireNonNull(where, "where is null");
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("columns is empty");
      }
    }

    @Override
    public String key() {
      return "distinct(" + String.join(", ", columns) + ")";
    }
  }
}
