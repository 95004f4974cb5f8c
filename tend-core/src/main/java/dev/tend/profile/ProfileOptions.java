package dev.tend.profile;

/**
 * Sizes of the sketches a {@link ColumnProfiler} keeps and how much a {@link ColumnSummary} shows.
 *
 * @param kllK KLL accuracy parameter (8 to 65535); 200 gives about 1.3% normalized rank error
 * @param hllLgK log2 of the HLL register count (4 to 21); 12 gives about 1.6% relative error
 * @param frequentItemsMapSize frequent-items map size for strings, a power of two of at least 8; up
 *     to three quarters of it distinct values are counted exactly. Numeric and temporal columns
 *     count up to {@link #exactValueLimit()} distinct values exactly and report no top values
 *     beyond that
 * @param histogramBins number of equal-width histogram bins in a summary
 * @param topValues number of most frequent values in a summary
 */
public record ProfileOptions(
    int kllK, int hllLgK, int frequentItemsMapSize, int histogramBins, int topValues) {
  public static final ProfileOptions DEFAULTS = new ProfileOptions(200, 12, 1024, 20, 10);

  public ProfileOptions {
    if (kllK < 8 || kllK > 65535) {
      throw new IllegalArgumentException("kllK must be in [8, 65535]: " + kllK);
    }
    if (hllLgK < 4 || hllLgK > 21) {
      throw new IllegalArgumentException("hllLgK must be in [4, 21]: " + hllLgK);
    }
    if (frequentItemsMapSize < 8 || Integer.bitCount(frequentItemsMapSize) != 1) {
      throw new IllegalArgumentException(
          "frequentItemsMapSize must be a power of two >= 8: " + frequentItemsMapSize);
    }
    if (histogramBins < 1) {
      throw new IllegalArgumentException("histogramBins must be >= 1: " + histogramBins);
    }
    if (topValues < 0) {
      throw new IllegalArgumentException("topValues must be >= 0: " + topValues);
    }
  }

  /** Distinct values up to which numeric and temporal top values are counted exactly. */
  public int exactValueLimit() {
    return frequentItemsMapSize * 3 / 4;
  }

  /** Options for the merge of two profiles: the coarser sketch of each kind, this side's views. */
  ProfileOptions mergedWith(ProfileOptions other) {
    return new ProfileOptions(
        Math.min(kllK, other.kllK),
        Math.min(hllLgK, other.hllLgK),
        Math.max(frequentItemsMapSize, other.frequentItemsMapSize),
        histogramBins,
        topValues);
  }
}
