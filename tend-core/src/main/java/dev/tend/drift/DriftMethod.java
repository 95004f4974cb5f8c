package dev.tend.drift;

import java.util.Locale;
import java.util.Optional;

/** A way to measure how far a current distribution has moved from a reference. */
public enum DriftMethod {
  /** Population Stability Index over reference-quantile bins or categories. */
  PSI,
  /** Two-sample Kolmogorov-Smirnov test; numeric only. */
  KS,
  /** Jensen-Shannon distance (base 2) over reference-quantile bins or categories. */
  JENSEN_SHANNON,
  /** Wasserstein-1 distance, judged in reference standard deviations; numeric only. */
  WASSERSTEIN,
  /** Pearson's chi-square test of homogeneity; categorical only. */
  CHI_SQUARE;

  /** True when the method accepts numeric samples or sketches. */
  public boolean supportsNumeric() {
    return switch (this) {
      case PSI, KS, JENSEN_SHANNON, WASSERSTEIN -> true;
      case CHI_SQUARE -> false;
    };
  }

  /** True when the method accepts category counts. */
  public boolean supportsCategorical() {
    return switch (this) {
      case PSI, JENSEN_SHANNON, CHI_SQUARE -> true;
      case KS, WASSERSTEIN -> false;
    };
  }

  /** True when the method yields a p-value besides its statistic. */
  public boolean hasPValue() {
    return switch (this) {
      case KS, CHI_SQUARE -> true;
      case PSI, JENSEN_SHANNON, WASSERSTEIN -> false;
    };
  }

  /** Lower-case name used in suite files and reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a label or a common alias ({@code js}, {@code ks_2samp}, {@code emd}, {@code chi2}). */
  public static Optional<DriftMethod> parse(String label) {
    return Optional.ofNullable(
        switch (label.trim().toLowerCase(Locale.ROOT)) {
          case "psi" -> PSI;
          case "ks", "ks_2samp", "kolmogorov_smirnov" -> KS;
          case "jensen_shannon", "js", "jensenshannon" -> JENSEN_SHANNON;
          case "wasserstein", "emd", "earth_movers" -> WASSERSTEIN;
          case "chi_square", "chi2", "chisquare" -> CHI_SQUARE;
          default -> null;
        });
  }
}
