package dev.tend.metric;

import java.util.Locale;
import java.util.Optional;

/**
 * One-column statistics an engine computes. Temporal values are reported in epoch microseconds;
 * lengths count characters of the column's text.
 */
public enum Stat {
  NULL_COUNT,
  MIN,
  MAX,
  MEAN,
  STDDEV,
  SUM,
  APPROX_DISTINCT,
  QUANTILE,
  MIN_LENGTH,
  MAX_LENGTH,
  MEAN_LENGTH;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Stat> parse(String label) {
    String normalized = label.trim().toLowerCase(Locale.ROOT);
    return Optional.ofNullable(
        switch (normalized) {
          case "min" -> MIN;
          case "max" -> MAX;
          case "mean", "avg", "average" -> MEAN;
          case "stddev", "std", "stdev" -> STDDEV;
          case "sum" -> SUM;
          case "distinct", "approx_distinct", "distinct_count" -> APPROX_DISTINCT;
          case "null_count", "missing" -> NULL_COUNT;
          case "min_length" -> MIN_LENGTH;
          case "max_length" -> MAX_LENGTH;
          case "mean_length" -> MEAN_LENGTH;
          case "quantile" -> QUANTILE;
          default -> null;
        });
  }
}
