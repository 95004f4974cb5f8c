package dev.tend.suite;

import dev.tend.schema.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The check kinds a suite file may use and the keys each accepts. */
final class CheckKinds {
  static final List<String> DRIFT_METHODS = List.of("psi", "ks", "js", "wasserstein", "chi2");

  private static final Map<String, Set<String>> KEYS =
      Map.ofEntries(
          Map.entry("schema", Set.of("columns", "allow_extra")),
          Map.entry("row_count", Set.of("min", "max")),
          Map.entry("completeness", Set.of("column", "max_missing")),
          Map.entry("between", Set.of("column", "min", "max", "max_invalid")),
          Map.entry("in_set", Set.of("column", "values", "max_invalid")),
          Map.entry("regex", Set.of("column", "pattern", "max_invalid")),
          Map.entry("conforms", Set.of("column", "type", "max_invalid")),
          Map.entry("non_negative", Set.of("column", "max_invalid")),
          Map.entry("length", Set.of("column", "min", "max", "max_invalid")),
          Map.entry("unique", Set.of("column", "columns", "max_duplicates")),
          Map.entry("rule", Set.of("expression", "max_failing")),
          Map.entry("freshness", Set.of("column", "max_age")),
          Map.entry("statistic", Set.of("column", "stat", "quantile", "min", "max")),
          Map.entry("distribution", Set.of("column", "reference", "method", "threshold")),
          Map.entry(
              "anomaly",
              Set.of(
                  "metric",
                  "max_decrease",
                  "max_increase",
                  "max_change",
                  "absolute",
                  "sigma",
                  "lookback",
                  "min_history")));

  static final List<String> ALL =
      List.of(
          "schema",
          "row_count",
          "completeness",
          "between",
          "in_set",
          "regex",
          "conforms",
          "non_negative",
          "length",
          "unique",
          "rule",
          "freshness",
          "statistic",
          "distribution",
          "anomaly");

  private CheckKinds() {}

  static Set<String> keys(String kind) {
    return KEYS.get(kind);
  }

  /** The kind closest to a misspelt one, when it is close enough to be a typo. */
  static Optional<String> closest(String kind) {
    return Names.closest(kind, ALL);
  }
}
