package dev.tend.drift;

/**
 * The statistic and p-value of a two-sample hypothesis test.
 *
 * @param statistic the test statistic (KS D, or Pearson's chi-square)
 * @param pValue probability of a statistic at least this extreme when both samples share one
 *     distribution, in [0, 1]
 * @param exact true when computed from exact samples, false when from sketches
 */
public record TestOutcome(double statistic, double pValue, boolean exact) {
  public TestOutcome {
    if (!(statistic >= 0) || Double.isInfinite(statistic)) {
      throw new IllegalArgumentException("statistic must be finite and >= 0, was " + statistic);
    }
    if (!(pValue >= 0 && pValue <= 1)) {
      throw new IllegalArgumentException("pValue must be in [0, 1], was " + pValue);
    }
  }
}
