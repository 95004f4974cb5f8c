package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tend.evaluation.BinaryEvaluation;
import dev.tend.evaluation.BinaryMetrics;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CbpeTest {
  @Property(tries = 40)
  void onCalibratedDataEstimatesAreNearRealised(
      @ForAll long seed, @ForAll @DoubleRange(min = 0.2, max = 0.8) double threshold) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = 20_000;
    double[] p = new double[n];
    boolean[] y = new boolean[n];
    for (int i = 0; i < n; i++) {
      p[i] = Math.pow(random.nextDouble(), 1.5);
      y[i] = random.nextDouble() < p[i];
    }
    Cbpe.Estimate estimate = Cbpe.estimate(p, threshold);
    BinaryMetrics realised = BinaryEvaluation.evaluate(y, p, threshold, 10);
    assertThat(estimate.accuracy().value()).isCloseTo(realised.accuracy().value(), within(0.02));
    assertThat(estimate.f1().value()).isCloseTo(realised.f1().value(), within(0.03));
    assertThat(estimate.rocAuc().value()).isCloseTo(realised.rocAuc().value(), within(0.02));
  }

  @Property(tries = 40)
  void histogramEstimateIsCloseToExact(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 5_000) int n) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] p = new double[n];
    int bins = 1_000;
    long[] counts = new long[bins];
    for (int i = 0; i < n; i++) {
      p[i] = random.nextDouble() * random.nextDouble();
      counts[Cbpe.bin(p[i], bins)]++;
    }
    Cbpe.Estimate exact = Cbpe.estimate(p, 0.25);
    Cbpe.Estimate approximate = Cbpe.estimate(counts, 0.25);
    assertThat(approximate.rows()).isEqualTo(n);
    // Midpoints move each probability by at most half a bin; the prediction of a row in the
    // threshold's bin may flip, which moves a count by at most that bin's rows.
    double slack = 0.5 / bins * n + counts[Cbpe.bin(0.25, bins)];
    assertThat(approximate.truePositives()).isCloseTo(exact.truePositives(), within(slack));
    assertThat(approximate.trueNegatives()).isCloseTo(exact.trueNegatives(), within(slack));
    assertThat(approximate.accuracy().value())
        .isCloseTo(exact.accuracy().value(), within(slack / n + 1e-12));
    if (exact.rocAuc().isDefined()) {
      assertThat(approximate.rocAuc().value()).isCloseTo(exact.rocAuc().value(), within(0.01));
    }
  }

  @Test
  void certainPredictionsAreEstimatedPerfect() {
    Cbpe.Estimate e = Cbpe.estimate(new double[] {0, 0, 1, 1, 1}, 0.5);
    assertThat(e.accuracy().value()).isEqualTo(1);
    assertThat(e.f1().value()).isEqualTo(1);
    assertThat(e.rocAuc().value()).isEqualTo(1);
    assertThat(e.meanConfidence().value()).isEqualTo(1);
  }

  @Test
  void allNegativeWeightLeavesRecallAndAucUndefined() {
    Cbpe.Estimate e = Cbpe.estimate(new double[] {0, 0}, 0.5);
    assertThat(e.recall().isDefined()).isFalse();
    assertThat(e.rocAuc().isDefined()).isFalse();
    assertThat(e.precision().isDefined()).isFalse();
    assertThat(Cbpe.points(MonitorGoldenTest.SCOPE, e))
        .extracting(MetricPoint::metric)
        .containsExactly(MonitorMetric.ESTIMATED_ACCURACY, MonitorMetric.MEAN_CONFIDENCE);
  }

  @Test
  void noRowsGiveNoPoints() {
    assertThat(Cbpe.points(MonitorGoldenTest.SCOPE, Cbpe.estimate(new double[0], 0.5))).isEmpty();
    assertThat(Cbpe.points(MonitorGoldenTest.SCOPE, Cbpe.estimate(new long[10], 0.5))).isEmpty();
  }

  @Test
  void refusesProbabilitiesOutsideTheUnitInterval() {
    assertThatThrownBy(() -> Cbpe.estimate(new double[] {0.2, 1.5}, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probability must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> Cbpe.estimate(new double[] {Double.NaN}, 0.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cbpe.estimate(new long[] {1, -1}, 0.5))
        .hasMessageContaining("negative count");
  }

  @Test
  void calibrationThenCbpeRecoversAccuracyOfOverconfidentScores() {
    SplittableRandom random = new SplittableRandom(7);
    int n = 20_000;
    double[] scores = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      double truth = random.nextDouble();
      labels[i] = random.nextDouble() < truth;
      // Overconfident: pushed towards 0 and 1.
      scores[i] = truth < 0.5 ? truth * truth * 2 : 1 - (1 - truth) * (1 - truth) * 2;
    }
    Calibration calibration = Calibration.fit(scores, labels);
    double[] live = new double[n];
    boolean[] liveLabels = new boolean[n];
    for (int i = 0; i < n; i++) {
      double truth = random.nextDouble();
      liveLabels[i] = random.nextDouble() < truth;
      live[i] = truth < 0.5 ? truth * truth * 2 : 1 - (1 - truth) * (1 - truth) * 2;
    }
    double realised = BinaryEvaluation.evaluate(liveLabels, live).accuracy().value();
    double raw = Cbpe.estimate(live, 0.5).accuracy().value();
    double calibrated = Cbpe.estimate(calibration.apply(live), 0.5).accuracy().value();
    assertThat(Math.abs(calibrated - realised)).isLessThan(0.015);
    assertThat(Math.abs(raw - realised)).isGreaterThan(0.05);
  }

  @Test
  void calibrationIsMonotoneAndRefusesMismatchedInput() {
    Calibration c =
        Calibration.fit(new double[] {0.1, 0.2, 0.3, 0.4}, new boolean[] {true, false, true, true});
    assertThat(c.apply(0.0)).isEqualTo(0.5);
    assertThat(c.apply(0.15)).isEqualTo(0.5);
    assertThat(c.apply(0.35)).isEqualTo(1.0);
    assertThat(c.apply(0.25)).isCloseTo(0.75, within(1e-12));
    assertThatThrownBy(() -> Calibration.fit(new double[] {0.1}, new boolean[0]))
        .hasMessageContaining("1 scores but 0 labels");
    assertThatThrownBy(() -> Calibration.fit(new double[0], new boolean[0]))
        .hasMessageContaining("at least one");
  }

  @Test
  void confidenceHistogramCountsThePredictedClassProbability() {
    long[] counts = Calibration.confidenceHistogram(new double[] {0.1, 0.9, 0.6, 0.4, 1.0}, 0.5, 4);
    // confidences 0.9, 0.9, 0.6, 0.6, 1.0
    assertThat(counts).containsExactly(0, 0, 2, 3);
  }
}
