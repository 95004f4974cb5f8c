package dev.tend.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.datasketches.kll.KllDoublesSketch;

/** Invariants of the drift measures on generated samples and category counts. */
class DriftPropertiesTest {
  private static final double TOLERANCE = 1e-12;

  @Provide
  Arbitrary<double[]> samples() {
    return Arbitraries.oneOf(
            Arbitraries.doubles().between(-1e3, 1e3),
            Arbitraries.integers().between(-5, 5).map(i -> (double) i))
        .array(double[].class)
        .ofMinSize(1)
        .ofMaxSize(300);
  }

  @Provide
  Arbitrary<Map<String, Long>> counts() {
    return Arbitraries.maps(
            Arbitraries.of("a", "b", "c", "d", "e"), Arbitraries.longs().between(0, 10_000))
        .ofMinSize(1)
        .filter(m -> m.values().stream().mapToLong(Long::longValue).sum() > 0);
  }

  @Property
  void symmetricMeasuresAreSymmetric(@ForAll("samples") double[] a, @ForAll("samples") double[] b) {
    assertThat(KolmogorovSmirnov.test(a, b).statistic())
        .isCloseTo(KolmogorovSmirnov.test(b, a).statistic(), within(TOLERANCE));
    assertThat(Wasserstein.distance(a, b))
        .isCloseTo(Wasserstein.distance(b, a), within(1e-9 * (1 + Wasserstein.distance(a, b))));
  }

  @Property
  void jensenShannonIsSymmetricOnCategories(
      @ForAll("counts") Map<String, Long> a, @ForAll("counts") Map<String, Long> b) {
    assertThat(JensenShannon.of(a, b)).isCloseTo(JensenShannon.of(b, a), within(TOLERANCE));
    TestOutcome ab = ChiSquare.test(a, b);
    TestOutcome ba = ChiSquare.test(b, a);
    assertThat(ab.statistic()).isCloseTo(ba.statistic(), within(1e-9 * (1 + ab.statistic())));
  }

  @Property
  void aSampleHasNoDriftFromItself(@ForAll("samples") double[] a) {
    assertThat(KolmogorovSmirnov.test(a, a).statistic()).isZero();
    assertThat(KolmogorovSmirnov.test(a, a).pValue()).isEqualTo(1.0);
    assertThat(Wasserstein.distance(a, a)).isZero();
    assertThat(Wasserstein.normalized(a, a)).isZero();
    assertThat(Psi.of(a, a, DriftDefaults.BINS)).isCloseTo(0.0, within(TOLERANCE));
    assertThat(JensenShannon.of(a, a, DriftDefaults.BINS)).isCloseTo(0.0, within(TOLERANCE));
  }

  @Property
  void countsHaveNoDriftFromThemselves(@ForAll("counts") Map<String, Long> a) {
    assertThat(Psi.of(a, a)).isCloseTo(0.0, within(TOLERANCE));
    assertThat(JensenShannon.of(a, a)).isCloseTo(0.0, within(TOLERANCE));
    assertThat(ChiSquare.test(a, a).statistic()).isCloseTo(0.0, within(1e-9));
  }

  @Property
  void numericMeasuresStayInTheirRanges(
      @ForAll("samples") double[] a, @ForAll("samples") double[] b) {
    TestOutcome ks = KolmogorovSmirnov.test(a, b);
    assertThat(ks.statistic()).isBetween(0.0, 1.0);
    assertThat(ks.pValue()).isBetween(0.0, 1.0);
    TestOutcome asymp = KolmogorovSmirnov.test(a, b, KolmogorovSmirnov.Method.ASYMPTOTIC);
    assertThat(asymp.pValue()).isBetween(0.0, 1.0);
    assertThat(JensenShannon.of(a, b, DriftDefaults.BINS)).isBetween(0.0, 1.0);
    assertThat(Psi.of(a, b, DriftDefaults.BINS)).isGreaterThanOrEqualTo(0.0);
    assertThat(Wasserstein.distance(a, b)).isGreaterThanOrEqualTo(0.0);
  }

  @Property
  void categoricalMeasuresStayInTheirRanges(
      @ForAll("counts") Map<String, Long> a, @ForAll("counts") Map<String, Long> b) {
    TestOutcome chi = ChiSquare.test(a, b);
    assertThat(chi.statistic()).isGreaterThanOrEqualTo(0.0);
    assertThat(chi.pValue()).isBetween(0.0, 1.0);
    assertThat(ChiSquare.cramersV(a, b)).isBetween(0.0, 1.0);
    assertThat(JensenShannon.of(a, b)).isBetween(0.0, 1.0);
    assertThat(Psi.of(a, b)).isGreaterThanOrEqualTo(0.0);
  }

  @Property(tries = 200)
  void shiftingASampleMovesWassersteinByTheShift(
      @ForAll("samples") double[] a, @ForAll("shifts") double shift) {
    double[] shifted = a.clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += shift;
    }
    assertThat(Wasserstein.distance(a, shifted))
        .isCloseTo(Math.abs(shift), within(1e-9 * (1 + Math.abs(shift)) * 1e3));
  }

  @Provide
  Arbitrary<Double> shifts() {
    return Arbitraries.doubles().between(-100, 100);
  }

  @Property(tries = 50)
  void sketchKsStaysWithinTheRankError(
      @ForAll("largeSamples") double[] a, @ForAll("largeSamples") double[] b) {
    KllDoublesSketch sa = sketch(a);
    KllDoublesSketch sb = sketch(b);
    double bound = sa.getNormalizedRankError(false) + sb.getNormalizedRankError(false);
    double exact = KolmogorovSmirnov.test(a, b).statistic();
    TestOutcome approximate = KolmogorovSmirnov.test(sa, sb);
    assertThat(approximate.statistic()).isCloseTo(exact, within(bound));
    assertThat(approximate.pValue()).isBetween(0.0, 1.0);
  }

  @Provide
  Arbitrary<double[]> largeSamples() {
    return Arbitraries.doubles()
        .between(-1e3, 1e3)
        .array(double[].class)
        .ofMinSize(1)
        .ofMaxSize(5_000);
  }

  @Property(tries = 100)
  void kolmogorovSurvivalIsAProbabilityThatFallsWithD(
      @ForAll("ns") long n, @ForAll("ds") double d) {
    double at = KolmogorovDistribution.oneSampleSf(d, n);
    double further = KolmogorovDistribution.oneSampleSf(Math.min(1.0, d + 0.01), n);
    assertThat(at).isBetween(0.0, 1.0);
    assertThat(further).isLessThanOrEqualTo(at + 1e-9);
  }

  @Provide
  Arbitrary<Long> ns() {
    return Arbitraries.longs().between(1, 300_000);
  }

  @Provide
  Arbitrary<Double> ds() {
    return Arbitraries.doubles().between(0.0, 1.0);
  }

  private static KllDoublesSketch sketch(double[] values) {
    KllDoublesSketch sketch = KllDoublesSketch.newHeapInstance();
    for (double v : values) {
      sketch.update(v);
    }
    return sketch;
  }
}
