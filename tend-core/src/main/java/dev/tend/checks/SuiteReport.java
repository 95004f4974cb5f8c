package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The outcome of running a suite on a dataset: every check's result, scores and thresholds. */
public record SuiteReport(
    Suite suite,
    String dataset,
    Schema schema,
    long rowCount,
    Instant startedAt,
    Duration elapsed,
    List<CheckResult> results,
    QualityScores scores,
    List<QualityScores.ThresholdResult> thresholds) {

  /** Version of the JSON report format ({@code docs/check-report.md}). */
  public static final int FORMAT_VERSION = 1;

  public SuiteReport {
    requireNonNull(suite, "suite is null");
    requireNonNull(dataset, "dataset is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(elapsed, "elapsed is null");
    results = List.copyOf(requireNonNull(results, "results is null"));
    requireNonNull(scores, "scores is null");
    thresholds = List.copyOf(requireNonNull(thresholds, "thresholds is null"));
  }

  /** True when no error-level check failed and every threshold holds. */
  public boolean passed() {
    return results.stream().noneMatch(CheckResult::failsRun)
        && thresholds.stream().allMatch(QualityScores.ThresholdResult::passed);
  }

  public long failedErrors() {
    return results.stream().filter(CheckResult::failsRun).count();
  }

  public long failedWarnings() {
    return results.stream()
        .filter(r -> !r.passed() && r.check().header().severity() == Severity.WARN)
        .count();
  }
}
