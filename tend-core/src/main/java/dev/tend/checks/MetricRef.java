package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import dev.tend.metric.Stat;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * A metric named in a suite for anomaly detection: {@code row_count}, {@code missing_fraction(col)}
 * or {@code stat(col)} such as {@code mean(delay)}. Its {@link #key()} is how the metric is kept in
 * history.
 */
public sealed interface MetricRef
    permits MetricRef.RowCount, MetricRef.MissingFraction, MetricRef.ColumnStat {

  String key();

  Optional<String> column();

  record RowCount() implements MetricRef {
    @Override
    public String key() {
      return "row_count";
    }

    @Override
    public Optional<String> column() {
      return Optional.empty();
    }
  }

  record MissingFraction(String name) implements MetricRef {
    public MissingFraction {
      requireNonNull(name, "name is null");
    }

    @Override
    public String key() {
      return "missing_fraction(" + name + ")";
    }

    @Override
    public Optional<String> column() {
      return Optional.of(name);
    }
  }

  record ColumnStat(String name, Stat stat) implements MetricRef {
    public ColumnStat {
      requireNonNull(name, "name is null");
      requireNonNull(stat, "stat is null");
      if (stat == Stat.QUANTILE) {
        throw new IllegalArgumentException("quantiles are not tracked as anomaly metrics");
      }
    }

    @Override
    public String key() {
      return stat.label() + "(" + name + ")";
    }

    @Override
    public Optional<String> column() {
      return Optional.of(name);
    }
  }

  /** Parses a metric reference, or explains what is accepted. */
  static MetricRef parse(String text) {
    String trimmed = text.trim();
    if (trimmed.equals("row_count")) {
      return new RowCount();
    }
    Matcher m =
        java.util.regex.Pattern.compile("\\s*(\\w+)\\s*\\(\\s*(.+?)\\s*\\)\\s*").matcher(trimmed);
    if (m.matches()) {
      String function = m.group(1);
      String column = unquote(m.group(2));
      if (function.equals("missing_fraction")) {
        return new MissingFraction(column);
      }
      Optional<Stat> stat = Stat.parse(function).filter(s -> s != Stat.QUANTILE);
      if (stat.isPresent()) {
        return new ColumnStat(column, stat.get());
      }
    }
    throw new IllegalArgumentException(
        "unknown metric '"
            + text
            + "'; use row_count, missing_fraction(column) or one of min, max, mean, stddev, sum,"
            + " distinct, null_count, min_length, max_length, mean_length applied to a column");
  }

  private static String unquote(String name) {
    if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
      return name.substring(1, name.length() - 1).replace("\"\"", "\"");
    }
    return name;
  }
}
