package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The verdict on one check: observed versus expected, how many rows failed out of how many were
 * judged, a score in [0, 1] for its quality dimension, and a sample of failing rows.
 */
public record CheckResult(
    Check check,
    Outcome outcome,
    String observed,
    String expected,
    OptionalLong failingRows,
    OptionalLong evaluatedRows,
    double score,
    Optional<String> message,
    List<Map<String, Object>> sample) {

  /** PASSED and FAILED are verdicts on the data; ERROR means the check could not be evaluated. */
  public enum Outcome {
    PASSED,
    FAILED,
    ERROR
  }

  public CheckResult {
    requireNonNull(check, "check is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(observed, "observed is null");
    requireNonNull(expected, "expected is null");
    requireNonNull(failingRows, "failingRows is null");
    requireNonNull(evaluatedRows, "evaluatedRows is null");
    requireNonNull(message, "message is null");
    sample = List.copyOf(requireNonNull(sample, "sample is null"));
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be in [0, 1]: " + score);
    }
  }

  public boolean passed() {
    return outcome == Outcome.PASSED;
  }

  /** True when this result fails the run: a failed or unevaluable check of severity error. */
  public boolean failsRun() {
    return !passed() && check.header().severity() == Severity.ERROR;
  }

  public OptionalDouble failingFraction() {
    if (failingRows.isEmpty() || evaluatedRows.isEmpty()) {
      return OptionalDouble.empty();
    }
    long evaluated = evaluatedRows.getAsLong();
    return OptionalDouble.of(
        evaluated == 0 ? 0 : (double) failingRows.getAsLong() / (double) evaluated);
  }

  public CheckResult withSample(List<Map<String, Object>> rows) {
    return new CheckResult(
        check, outcome, observed, expected, failingRows, evaluatedRows, score, message, rows);
  }

  static CheckResult error(Check check, String message) {
    return new CheckResult(
        check,
        Outcome.ERROR,
        "-",
        "-",
        OptionalLong.empty(),
        OptionalLong.empty(),
        0,
        Optional.of(message),
        List.of());
  }
}
