package dev.tend.drift;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * When a result counts as drift: its effect size reaches {@code effectSize} and, where the method
 * has a p-value and {@code alpha} is present, the p-value is below {@code alpha} too. Requiring
 * both keeps huge samples from flagging trivial differences and tiny samples from flagging noise.
 */
public record DriftThreshold(double effectSize, OptionalDouble alpha) {
  public DriftThreshold {
    requireNonNull(alpha, "alpha is null");
    if (!(effectSize >= 0) || Double.isInfinite(effectSize)) {
      throw new IllegalArgumentException("effectSize must be finite and >= 0, was " + effectSize);
    }
    if (alpha.isPresent() && !(alpha.getAsDouble() > 0 && alpha.getAsDouble() < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha.getAsDouble());
    }
  }

  /** A threshold on the effect size alone. */
  public static DriftThreshold effectSize(double effectSize) {
    return new DriftThreshold(effectSize, OptionalDouble.empty());
  }

  /** A threshold on the effect size that also needs a p-value below {@code alpha}. */
  public static DriftThreshold effectSizeAndAlpha(double effectSize, double alpha) {
    return new DriftThreshold(effectSize, OptionalDouble.of(alpha));
  }

  /** Whether an effect size and optional p-value cross this threshold. */
  public boolean crossedBy(double effect, OptionalDouble pValue) {
    requireNonNull(pValue, "pValue is null");
    boolean large = effect >= effectSize;
    boolean significant =
        alpha.isEmpty() || pValue.isEmpty() || pValue.getAsDouble() < alpha.getAsDouble();
    return large && significant;
  }
}
