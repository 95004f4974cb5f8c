package dev.tend.evaluation;

/**
 * Counts of positive and negative rows by probability in fixed, equal-width bins over [0, 1]: a
 * mergeable state from which ROC AUC can be approximated, for monitoring windows that cannot keep
 * every score. The approximation treats rows in one bin as tied, so it differs from the exact
 * {@link Ranking#rocAuc} by at most half the share of positive-negative pairs that fall in a common
 * bin (with 1,000 bins, typically below 0.001). Evaluation uses the exact version.
 *
 * <p>Not thread-safe.
 */
public final class ScoreHistogram {
  private final long[] positives;
  private final long[] negatives;

  private ScoreHistogram(int bins) {
    if (bins < 1) {
      throw new IllegalArgumentException("a score histogram needs at least 1 bin: " + bins);
    }
    positives = new long[bins];
    negatives = new long[bins];
  }

  public static ScoreHistogram create(int bins) {
    return new ScoreHistogram(bins);
  }

  public void add(boolean actual, double probability) {
    Checks.probability(probability);
    int bin = Math.min(bins() - 1, (int) (probability * bins()));
    if (actual) {
      positives[bin]++;
    } else {
      negatives[bin]++;
    }
  }

  public void merge(ScoreHistogram other) {
    if (other.bins() != bins()) {
      throw new IllegalArgumentException(
          "cannot merge a histogram of " + other.bins() + " bins into one of " + bins());
    }
    for (int b = 0; b < bins(); b++) {
      positives[b] += other.positives[b];
      negatives[b] += other.negatives[b];
    }
  }

  public int bins() {
    return positives.length;
  }

  /** ROC AUC with the rows of each bin tied; undefined when one class is missing. */
  public MetricValue approximateRocAuc() {
    long totalPositives = 0;
    long totalNegatives = 0;
    for (int b = 0; b < bins(); b++) {
      totalPositives += positives[b];
      totalNegatives += negatives[b];
    }
    if (totalPositives == 0 || totalNegatives == 0) {
      return MetricValue.undefined(
          totalPositives + totalNegatives == 0
              ? "no rows"
              : totalPositives == 0 ? "only negative rows" : "only positive rows");
    }
    // Mann-Whitney: pairs where the positive scores higher, plus half the tied pairs.
    double pairs = 0;
    long negativesBelow = 0;
    for (int b = 0; b < bins(); b++) {
      pairs += positives[b] * (negativesBelow + negatives[b] / 2.0);
      negativesBelow += negatives[b];
    }
    return MetricValue.of(pairs / ((double) totalPositives * totalNegatives));
  }
}
