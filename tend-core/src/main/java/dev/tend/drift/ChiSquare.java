package dev.tend.drift;

import java.util.Map;
import org.hipparchus.special.Gamma;

/**
 * Pearson's chi-square test of homogeneity on the 2 x K table of reference and current category
 * counts, without Yates' correction, matching scipy's {@code chi2_contingency(table,
 * correction=False)}. Categories seen on one side only are columns like any other; categories
 * absent from both are dropped, and a single category gives statistic 0 and p-value 1.
 */
public final class ChiSquare {
  private ChiSquare() {}

  /** Statistic and p-value with {@code K - 1} degrees of freedom. */
  public static TestOutcome test(Map<String, Long> reference, Map<String, Long> current) {
    Binning.Aligned aligned = Binning.align(reference, current);
    return test(aligned);
  }

  /**
   * Cramér's V of the table, {@code sqrt(chi2 / N)} for two rows: an effect size in [0, 1] that,
   * unlike the p-value, does not grow with the sample size.
   */
  public static double cramersV(Map<String, Long> reference, Map<String, Long> current) {
    Binning.Aligned aligned = Binning.align(reference, current);
    return cramersV(aligned, test(aligned).statistic());
  }

  static double cramersV(Binning.Aligned aligned, double statistic) {
    double total = (double) aligned.referenceTotal() + aligned.currentTotal();
    return Math.min(1.0, Math.sqrt(statistic / total));
  }

  static TestOutcome test(Binning.Aligned aligned) {
    long[] ref = aligned.reference();
    long[] cur = aligned.current();
    double refTotal = aligned.referenceTotal();
    double curTotal = aligned.currentTotal();
    double total = refTotal + curTotal;
    CompensatedSum statistic = new CompensatedSum();
    int columns = 0;
    for (int i = 0; i < ref.length; i++) {
      double column = (double) ref[i] + cur[i];
      if (column == 0) {
        continue;
      }
      columns++;
      double expectedRef = refTotal * column / total;
      double expectedCur = curTotal * column / total;
      double dr = ref[i] - expectedRef;
      double dc = cur[i] - expectedCur;
      statistic.add(dr * dr / expectedRef);
      statistic.add(dc * dc / expectedCur);
    }
    int dof = columns - 1;
    if (dof == 0) {
      return new TestOutcome(0.0, 1.0, true);
    }
    double chi2 = Math.max(0.0, statistic.value());
    double p = Gamma.regularizedGammaQ(dof / 2.0, chi2 / 2.0);
    return new TestOutcome(chi2, Math.min(1.0, Math.max(0.0, p)), true);
  }
}
