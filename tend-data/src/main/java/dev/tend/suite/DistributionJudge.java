package dev.tend.suite;

import dev.tend.checks.Check;
import dev.tend.checks.CheckEvaluator;
import dev.tend.checks.CheckResult;
import dev.tend.checks.Formats;
import dev.tend.drift.Drift;
import dev.tend.drift.DriftDefaults;
import dev.tend.drift.DriftMethod;
import dev.tend.drift.DriftResult;
import dev.tend.drift.DriftThreshold;
import dev.tend.profile.ColumnProfile;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Judges distribution checks: the column's profile in the data against its profile in the reference
 * dataset, with the check's drift method (or the default for the column's type and sample size) and
 * an effect-size threshold, so large samples do not fail on trivial differences.
 */
final class DistributionJudge {
  private DistributionJudge() {}

  static CheckResult judge(
      Check.DistributionCheck check, ColumnProfile current, Optional<ColumnProfile> reference) {
    if (reference.isEmpty()) {
      return error(
          check, "the reference " + check.reference() + " has no column '" + check.column() + "'");
    }
    ColumnProfile ref = reference.get();
    if (ref.type().isNumeric() != current.type().isNumeric()
        || ref.type().isTemporal() != current.type().isTemporal()) {
      return error(
          check,
          "column '"
              + check.column()
              + "' is "
              + current.type().label()
              + " here but "
              + ref.type().label()
              + " in the reference");
    }
    if (ref.count() == 0 || current.count() == 0) {
      return error(
          check,
          (ref.count() == 0 ? "the reference" : "the data")
              + " has no values in '"
              + check.column()
              + "'");
    }
    boolean numeric = current.type().isNumeric() || current.type().isTemporal();
    DriftMethod method =
        check
            .method()
            .flatMap(DriftMethod::parse)
            .or(
                () ->
                    DriftDefaults.methodFor(current.type(), Math.min(ref.count(), current.count())))
            .orElse(DriftMethod.PSI);
    if (numeric ? !method.supportsNumeric() : !method.supportsCategorical()) {
      return error(
          check,
          method.label()
              + " does not apply to "
              + current.type().label()
              + " columns; use "
              + (numeric ? "psi, ks, js or wasserstein" : "psi, js or chi2"));
    }
    DriftThreshold threshold =
        check.threshold().isPresent()
            ? (method.hasPValue()
                ? DriftThreshold.effectSizeAndAlpha(
                    check.threshold().getAsDouble(), DriftDefaults.ALPHA)
                : DriftThreshold.effectSize(check.threshold().getAsDouble()))
            : DriftDefaults.threshold(method);
    DriftResult result =
        numeric
            ? Drift.numeric(
                method,
                ref.quantileSketch().orElseThrow(),
                current.quantileSketch().orElseThrow(),
                threshold)
            : Drift.categorical(method, ref.categoryCounts(), current.categoryCounts(), threshold);
    String detail =
        (result.statistic() != result.effectSize()
                ? "statistic " + Formats.number(result.statistic()) + ", "
                : "")
            + (result.pValue().isPresent()
                ? "p " + Formats.number(result.pValue().getAsDouble()) + ", "
                : "")
            + Formats.count(result.referenceCount())
            + " reference vs "
            + Formats.count(result.currentCount())
            + " values"
            + (result.exact() ? "" : ", from sketches");
    CheckResult judged =
        CheckEvaluator.judgeDistribution(
            check, method.label(), result.effectSize(), threshold.effectSize(), detail);
    if (judged.passed() != result.drifted()) {
      return judged;
    }
    // The decision rule of the method (effect size and, for tests, significance) has the last word.
    return new CheckResult(
        check,
        result.drifted() ? CheckResult.Outcome.FAILED : CheckResult.Outcome.PASSED,
        judged.observed(),
        judged.expected(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        result.drifted() ? 0 : 1,
        result.drifted()
            ? Optional.empty()
            : Optional.of(
                "the effect size reaches the threshold but the difference is not significant"),
        List.of());
  }

  private static CheckResult error(Check.DistributionCheck check, String message) {
    return new CheckResult(
        check,
        CheckResult.Outcome.ERROR,
        "-",
        "distribution close to " + check.reference(),
        OptionalLong.empty(),
        OptionalLong.empty(),
        0,
        Optional.of(message),
        List.of());
  }
}
