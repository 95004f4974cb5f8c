package dev.tend.drift;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * The outcome of one drift measurement between a reference and a current distribution.
 *
 * @param method the measure used
 * @param statistic the raw statistic: PSI, KS D, JS distance, Wasserstein distance in data units,
 *     or Pearson's chi-square
 * @param pValue the test's p-value, for KS and chi-square only
 * @param effectSize the value judged against the threshold: the statistic itself, except the
 *     normalized distance for Wasserstein and Cramér's V for chi-square
 * @param threshold the decision rule applied
 * @param drifted whether {@code threshold} was crossed
 * @param referenceCount number of reference values
 * @param currentCount number of current values
 * @param exact false when computed from sketches, whose statistics are approximate
 */
public record DriftResult(
    DriftMethod method,
    double statistic,
    OptionalDouble pValue,
    double effectSize,
    DriftThreshold threshold,
    boolean drifted,
    long referenceCount,
    long currentCount,
    boolean exact) {
  public DriftResult {
    requireNonNull(method, "method is null");
    requireNonNull(pValue, "pValue is null");
    requireNonNull(threshold, "threshold is null");
    if (Double.isNaN(statistic) || Double.isNaN(effectSize)) {
      throw new IllegalArgumentException("statistic and effect size must not be NaN");
    }
    if (referenceCount <= 0 || currentCount <= 0) {
      throw new IllegalArgumentException(
          "counts must be positive, were " + referenceCount + " and " + currentCount);
    }
  }
}
