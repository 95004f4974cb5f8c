package dev.tend.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.schema.DataType;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

class DriftTest {
  private static final double[] REFERENCE = GoldenInputs.generate("normal:21:20000:0:1:-1");
  private static final double[] NUDGED = GoldenInputs.generate("normal:22:20000:0.05:1:-1");
  private static final double[] SHIFTED = GoldenInputs.generate("normal:23:20000:0.8:1:-1");

  @Test
  void defaultsUseEffectSizeThresholds() {
    assertThat(DriftDefaults.threshold(DriftMethod.PSI)).isEqualTo(DriftThreshold.effectSize(0.2));
    assertThat(DriftDefaults.threshold(DriftMethod.JENSEN_SHANNON))
        .isEqualTo(DriftThreshold.effectSize(0.1));
    assertThat(DriftDefaults.threshold(DriftMethod.WASSERSTEIN))
        .isEqualTo(DriftThreshold.effectSize(0.1));
    assertThat(DriftDefaults.threshold(DriftMethod.KS))
        .isEqualTo(DriftThreshold.effectSizeAndAlpha(0.1, 0.05));
    assertThat(DriftDefaults.threshold(DriftMethod.CHI_SQUARE))
        .isEqualTo(DriftThreshold.effectSizeAndAlpha(0.1, 0.05));
    assertThat(DriftDefaults.BINS).isEqualTo(10);
    assertThat(Psi.EPSILON).isEqualTo(1e-4);
  }

  @Test
  void methodForPicksTestsForSmallSamplesAndDistancesForLarge() {
    assertThat(DriftDefaults.methodFor(DataType.DOUBLE, 500)).contains(DriftMethod.KS);
    assertThat(DriftDefaults.methodFor(DataType.INTEGER, 1_000)).contains(DriftMethod.KS);
    assertThat(DriftDefaults.methodFor(DataType.TIMESTAMP, 1_001))
        .contains(DriftMethod.WASSERSTEIN);
    assertThat(DriftDefaults.methodFor(DataType.STRING, 10)).contains(DriftMethod.CHI_SQUARE);
    assertThat(DriftDefaults.methodFor(DataType.BOOLEAN, 50_000))
        .contains(DriftMethod.JENSEN_SHANNON);
    assertThat(DriftDefaults.methodFor(DataType.OTHER, 10)).isEqualTo(Optional.empty());
  }

  @Test
  void largeSamplesWithATrivialShiftAreSignificantButNotDrifted() {
    DriftResult ks = Drift.numeric(DriftMethod.KS, REFERENCE, NUDGED);
    assertThat(ks.pValue().orElseThrow()).isLessThan(0.05);
    assertThat(ks.drifted()).isFalse();
    assertThat(Drift.numeric(DriftMethod.WASSERSTEIN, REFERENCE, NUDGED).drifted()).isFalse();
    assertThat(Drift.numeric(DriftMethod.PSI, REFERENCE, NUDGED).drifted()).isFalse();
  }

  @Test
  void aRealShiftDriftsOnEveryNumericMethod() {
    for (DriftMethod method : DriftMethod.values()) {
      if (method.supportsNumeric()) {
        DriftResult result = Drift.numeric(method, REFERENCE, SHIFTED);
        assertThat(result.drifted()).as(method.label()).isTrue();
        assertThat(result.exact()).isTrue();
        assertThat(result.referenceCount()).isEqualTo(20_000);
        assertThat(result.pValue().isPresent()).isEqualTo(method.hasPValue());
      }
    }
  }

  @Test
  void sketchesGiveApproximateResultsWithTheSameDecision() {
    KllDoublesSketch ref = sketch(REFERENCE);
    KllDoublesSketch cur = sketch(SHIFTED);
    for (DriftMethod method : DriftMethod.values()) {
      if (method.supportsNumeric()) {
        DriftResult result = Drift.numeric(method, ref, cur);
        assertThat(result.drifted()).as(method.label()).isTrue();
        assertThat(result.exact()).isFalse();
        assertThat(result.currentCount()).isEqualTo(20_000);
      }
    }
  }

  @Test
  void categoriesUnseenInTheReferenceCountAsDrift() {
    Map<String, Long> ref = Map.of("a", 900L, "b", 100L);
    Map<String, Long> cur = Map.of("a", 600L, "b", 100L, "new", 300L);
    DriftResult chi = Drift.categorical(DriftMethod.CHI_SQUARE, ref, cur);
    assertThat(chi.drifted()).isTrue();
    assertThat(chi.effectSize()).isBetween(0.0, 1.0);
    assertThat(Drift.categorical(DriftMethod.PSI, ref, cur).statistic()).isGreaterThan(0.2);
    assertThat(Drift.categorical(DriftMethod.JENSEN_SHANNON, ref, cur).drifted()).isTrue();
  }

  @Test
  void aSingleCategoryHasNoChiSquareDrift() {
    TestOutcome outcome = ChiSquare.test(Map.of("a", 5L), Map.of("a", 9L));
    assertThat(outcome.statistic()).isZero();
    assertThat(outcome.pValue()).isEqualTo(1.0);
  }

  @Test
  void thresholdNeedsBothEffectAndSignificance() {
    DriftThreshold threshold = DriftThreshold.effectSizeAndAlpha(0.1, 0.05);
    assertThat(threshold.crossedBy(0.3, OptionalDouble.of(0.01))).isTrue();
    assertThat(threshold.crossedBy(0.3, OptionalDouble.of(0.2))).isFalse();
    assertThat(threshold.crossedBy(0.05, OptionalDouble.of(1e-9))).isFalse();
    assertThat(DriftThreshold.effectSize(0.1).crossedBy(0.1, OptionalDouble.empty())).isTrue();
  }

  @Test
  void emptyAndInvalidInputsAreRejectedWithAClearMessage() {
    assertThatThrownBy(() -> Drift.numeric(DriftMethod.KS, new double[0], new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference sample is empty");
    assertThatThrownBy(() -> Wasserstein.distance(new double[] {1}, new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("current value at index 0 is NaN");
    assertThatThrownBy(
            () ->
                Drift.numeric(DriftMethod.PSI, KllDoublesSketch.newHeapInstance(), sketch(NUDGED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference sketch is empty");
    assertThatThrownBy(() -> ChiSquare.test(Map.of("a", 0L), Map.of("a", 3L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reference counts are empty");
    assertThatThrownBy(() -> Psi.of(Map.of("a", -1L), Map.of("a", 3L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count >= 0");
    assertThatThrownBy(() -> Drift.categorical(DriftMethod.KS, Map.of("a", 1L), Map.of("a", 1L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs numeric values");
    assertThatThrownBy(
            () -> Drift.numeric(DriftMethod.CHI_SQUARE, new double[] {1}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs category counts");
    assertThatThrownBy(() -> JensenShannon.distance(new double[] {0, 0}, new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no weight");
  }

  @Test
  void aConstantReferenceGivesInfiniteNormalizedDistanceOnlyWhenTheyDiffer() {
    double[] constant = {2, 2, 2};
    assertThat(Wasserstein.normalized(constant, constant)).isZero();
    assertThat(Wasserstein.normalized(constant, new double[] {3})).isInfinite();
  }

  @Test
  void methodLabelsRoundTrip() {
    for (DriftMethod method : DriftMethod.values()) {
      assertThat(DriftMethod.parse(method.label())).contains(method);
    }
    assertThat(DriftMethod.parse("chi2")).contains(DriftMethod.CHI_SQUARE);
    assertThat(DriftMethod.parse("nope")).isEmpty();
  }

  private static KllDoublesSketch sketch(double[] values) {
    KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance();
    for (double v : values) {
      sketch.update(v);
    }
    return sketch;
  }
}
