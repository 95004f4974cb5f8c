package dev.tend.drift;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;
import java.util.Optional;

/**
 * Default drift methods and thresholds. Effect-size thresholds decide by default; the tests' p-
 * values only gate them ({@link DriftThreshold}), since with large samples a p-value becomes tiny
 * for any difference at all.
 */
public final class DriftDefaults {
  /** Bins for numeric PSI and Jensen-Shannon, at the reference's deciles. */
  public static final int BINS = 10;

  /** Samples up to this size use the tests (KS, chi-square); larger ones use distances. */
  public static final long SMALL_SAMPLE_LIMIT = 1_000;

  /** PSI below this is commonly read as no significant change. */
  public static final double PSI_MODERATE = 0.1;

  /** PSI at or above this is commonly read as a significant shift. */
  public static final double PSI_SIGNIFICANT = 0.2;

  /** Jensen-Shannon distance (base 2) counted as drift. */
  public static final double JENSEN_SHANNON = 0.1;

  /** Wasserstein distance, in reference standard deviations, counted as drift. */
  public static final double WASSERSTEIN_NORMALIZED = 0.1;

  /** KS D (largest CDF gap) counted as drift, when also significant. */
  public static final double KS_D = 0.1;

  /** Cramér's V counted as drift when also significant; 0.1 is Cohen's "small" effect. */
  public static final double CRAMERS_V = 0.1;

  /** Significance level gating KS and chi-square. */
  public static final double ALPHA = 0.05;

  private DriftDefaults() {}

  /** The default decision rule for a method. */
  public static DriftThreshold threshold(DriftMethod method) {
    requireNonNull(method, "method is null");
    return switch (method) {
      case PSI -> DriftThreshold.effectSize(PSI_SIGNIFICANT);
      case JENSEN_SHANNON -> DriftThreshold.effectSize(JENSEN_SHANNON);
      case WASSERSTEIN -> DriftThreshold.effectSize(WASSERSTEIN_NORMALIZED);
      case KS -> DriftThreshold.effectSizeAndAlpha(KS_D, ALPHA);
      case CHI_SQUARE -> DriftThreshold.effectSizeAndAlpha(CRAMERS_V, ALPHA);
    };
  }

  /**
   * The method for a column of {@code type} whose smaller sample has {@code n} values: KS or
   * Wasserstein for numbers, dates and timestamps; chi-square or Jensen-Shannon for strings and
   * booleans; none for {@link DataType#OTHER}.
   */
  public static Optional<DriftMethod> methodFor(DataType type, long n) {
    requireNonNull(type, "type is null");
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    boolean small = n <= SMALL_SAMPLE_LIMIT;
    return switch (type) {
      case INTEGER, DOUBLE, DATE, TIMESTAMP ->
          Optional.of(small ? DriftMethod.KS : DriftMethod.WASSERSTEIN);
      case STRING, BOOLEAN ->
          Optional.of(small ? DriftMethod.CHI_SQUARE : DriftMethod.JENSEN_SHANNON);
      case OTHER -> Optional.empty();
    };
  }
}
