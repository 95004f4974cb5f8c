package dev.tend.drift;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.OptionalDouble;
import org.apache.datasketches.kll.KllDoublesSketch;

/**
 * Entry point for drift checks: measures a current distribution against a reference with one {@link
 * DriftMethod} and decides with a {@link DriftThreshold}. Stateless and thread-safe.
 */
public final class Drift {
  private Drift() {}

  /** Compares exact numeric samples with the method's default threshold. */
  public static DriftResult numeric(DriftMethod method, double[] reference, double[] current) {
    return numeric(method, reference, current, DriftDefaults.threshold(method));
  }

  /** Compares exact numeric samples. */
  public static DriftResult numeric(
      DriftMethod method, double[] reference, double[] current, DriftThreshold threshold) {
    requireNumeric(method);
    if (method == DriftMethod.KS) {
      TestOutcome ks = KolmogorovSmirnov.test(reference, current);
      return ksResult(ks, reference.length, current.length, threshold);
    }
    return numeric(method, Ecdf.of(reference, "reference"), Ecdf.of(current, "current"), threshold);
  }

  /** Compares KLL sketches with the method's default threshold; the result is approximate. */
  public static DriftResult numeric(
      DriftMethod method, KllDoublesSketch reference, KllDoublesSketch current) {
    return numeric(method, reference, current, DriftDefaults.threshold(method));
  }

  /** Compares KLL sketches; the result is approximate. */
  public static DriftResult numeric(
      DriftMethod method,
      KllDoublesSketch reference,
      KllDoublesSketch current,
      DriftThreshold threshold) {
    requireNumeric(method);
    if (method == DriftMethod.KS) {
      TestOutcome ks = KolmogorovSmirnov.test(reference, current);
      return ksResult(ks, reference.getN(), current.getN(), threshold);
    }
    return numeric(method, Ecdf.of(reference, "reference"), Ecdf.of(current, "current"), threshold);
  }

  /** Compares category counts with the method's default threshold. */
  public static DriftResult categorical(
      DriftMethod method, Map<String, Long> reference, Map<String, Long> current) {
    return categorical(method, reference, current, DriftDefaults.threshold(method));
  }

  /** Compares category counts; categories seen on one side only are kept. */
  public static DriftResult categorical(
      DriftMethod method,
      Map<String, Long> reference,
      Map<String, Long> current,
      DriftThreshold threshold) {
    requireNonNull(method, "method is null");
    requireNonNull(threshold, "threshold is null");
    if (!method.supportsCategorical()) {
      throw new IllegalArgumentException(
          method.label() + " needs numeric values; use psi, jensen_shannon or chi_square");
    }
    Binning.Aligned aligned = Binning.align(reference, current);
    long refCount = aligned.referenceTotal();
    long curCount = aligned.currentTotal();
    double[] p = Binning.toProportions(aligned.reference());
    double[] q = Binning.toProportions(aligned.current());
    return switch (method) {
      case PSI -> distanceResult(method, Psi.fromProportions(p, q), threshold, refCount, curCount);
      case JENSEN_SHANNON ->
          distanceResult(method, JensenShannon.distance(p, q), threshold, refCount, curCount);
      case CHI_SQUARE -> {
        TestOutcome chi = ChiSquare.test(aligned);
        double v = ChiSquare.cramersV(aligned, chi.statistic());
        OptionalDouble pValue = OptionalDouble.of(chi.pValue());
        yield new DriftResult(
            method,
            chi.statistic(),
            pValue,
            v,
            threshold,
            threshold.crossedBy(v, pValue),
            refCount,
            curCount,
            true);
      }
      case KS, WASSERSTEIN -> throw new IllegalStateException("checked above: " + method);
    };
  }

  private static DriftResult numeric(
      DriftMethod method, Ecdf reference, Ecdf current, DriftThreshold threshold) {
    requireNonNull(threshold, "threshold is null");
    boolean exact = reference.exact() && current.exact();
    long refCount = reference.count();
    long curCount = current.count();
    return switch (method) {
      case PSI ->
          distanceResult(
              method,
              Psi.ofEcdfs(reference, current, DriftDefaults.BINS),
              threshold,
              refCount,
              curCount,
              exact);
      case JENSEN_SHANNON ->
          distanceResult(
              method,
              JensenShannon.ofEcdfs(reference, current, DriftDefaults.BINS),
              threshold,
              refCount,
              curCount,
              exact);
      case WASSERSTEIN -> {
        double distance = Wasserstein.distance(reference, current);
        double normalized = Wasserstein.normalize(distance, reference.standardDeviation());
        yield new DriftResult(
            method,
            distance,
            OptionalDouble.empty(),
            normalized,
            threshold,
            threshold.crossedBy(normalized, OptionalDouble.empty()),
            refCount,
            curCount,
            exact);
      }
      case KS, CHI_SQUARE -> throw new IllegalStateException("not a distance: " + method);
    };
  }

  private static DriftResult ksResult(
      TestOutcome ks, long refCount, long curCount, DriftThreshold threshold) {
    requireNonNull(threshold, "threshold is null");
    OptionalDouble pValue = OptionalDouble.of(ks.pValue());
    return new DriftResult(
        DriftMethod.KS,
        ks.statistic(),
        pValue,
        ks.statistic(),
        threshold,
        threshold.crossedBy(ks.statistic(), pValue),
        refCount,
        curCount,
        ks.exact());
  }

  private static DriftResult distanceResult(
      DriftMethod method, double value, DriftThreshold threshold, long refCount, long curCount) {
    return distanceResult(method, value, threshold, refCount, curCount, true);
  }

  private static DriftResult distanceResult(
      DriftMethod method,
      double value,
      DriftThreshold threshold,
      long refCount,
      long curCount,
      boolean exact) {
    return new DriftResult(
        method,
        value,
        OptionalDouble.empty(),
        value,
        threshold,
        threshold.crossedBy(value, OptionalDouble.empty()),
        refCount,
        curCount,
        exact);
  }

  private static void requireNumeric(DriftMethod method) {
    requireNonNull(method, "method is null");
    if (!method.supportsNumeric()) {
      throw new IllegalArgumentException(
          method.label() + " needs category counts; use psi, ks, jensen_shannon or wasserstein");
    }
  }
}
