package dev.tend.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties that hold for any predictions: permutation, merging, symmetry, brute force. */
class EvaluationPropertiesTest {

  /** Labels with probabilities; coarse probabilities make ties frequent. */
  record Rows(boolean[] labels, double[] probabilities) {
    int size() {
      return labels.length;
    }
  }

  @Provide
  Arbitrary<Rows> rows() {
    Arbitrary<Integer> decimals = Arbitraries.integers().between(0, 3);
    Arbitrary<Long> seeds = Arbitraries.longs();
    Arbitrary<Integer> sizes = Arbitraries.integers().between(0, 300);
    return Combinators.combine(sizes, decimals, seeds)
        .as(
            (n, d, seed) -> {
              Random random = new Random(seed);
              boolean[] labels = new boolean[n];
              double[] p = new double[n];
              double scale = d == 3 ? 1e6 : Math.pow(10, d);
              for (int i = 0; i < n; i++) {
                labels[i] = random.nextDouble() < 0.3;
                double raw = Math.min(1, random.nextDouble() * 0.8 + (labels[i] ? 0.2 : 0));
                p[i] = Math.round(raw * scale) / scale;
              }
              return new Rows(labels, p);
            });
  }

  @Property(tries = 200)
  void metricsDoNotDependOnRowOrder(@ForAll("rows") Rows rows, @ForAll long seed) {
    Rows shuffled = shuffle(rows, seed);
    BinaryMetrics a = BinaryEvaluation.evaluate(rows.labels(), rows.probabilities());
    BinaryMetrics b = BinaryEvaluation.evaluate(shuffled.labels(), shuffled.probabilities());
    assertThat(b.confusion()).isEqualTo(a.confusion());
    assertSame(b.rocAuc(), a.rocAuc(), 0);
    assertSame(b.averagePrecision(), a.averagePrecision(), 0);
    assertSame(b.logLoss(), a.logLoss(), 1e-12);
    assertSame(b.brier(), a.brier(), 1e-12);
    assertSame(b.expectedCalibrationError(), a.expectedCalibrationError(), 1e-12);
  }

  @Property(tries = 200)
  void mergedAccumulatorsEqualTheWhole(
      @ForAll("rows") Rows rows, @ForAll @IntRange(min = 0, max = 300) int cut) {
    int split = Math.min(cut, rows.size());
    BinaryAccumulator whole = BinaryAccumulator.create(0.5, 10, 100);
    BinaryAccumulator left = BinaryAccumulator.create(0.5, 10, 100);
    BinaryAccumulator right = BinaryAccumulator.create(0.5, 10, 100);
    for (int i = 0; i < rows.size(); i++) {
      whole.add(rows.labels()[i], rows.probabilities()[i]);
      (i < split ? left : right).add(rows.labels()[i], rows.probabilities()[i]);
    }
    left.merge(right);
    BinaryMetrics a = whole.metrics();
    BinaryMetrics b = left.metrics();
    assertThat(b.confusion()).isEqualTo(a.confusion());
    assertThat(b.calibration()).hasSameSizeAs(a.calibration());
    assertSame(b.rocAuc(), a.rocAuc(), 0);
    assertSame(b.logLoss(), a.logLoss(), 1e-12);
    assertSame(b.brier(), a.brier(), 1e-12);
    assertSame(b.expectedCalibrationError(), a.expectedCalibrationError(), 1e-12);
  }

  @Property(tries = 200)
  void rocAucOfReversedScoresIsOneMinusRocAuc(@ForAll("rows") Rows rows) {
    double[] negated = new double[rows.size()];
    for (int i = 0; i < negated.length; i++) {
      negated[i] = -rows.probabilities()[i];
    }
    MetricValue auc = Ranking.rocAuc(rows.labels(), rows.probabilities());
    MetricValue reversed = Ranking.rocAuc(rows.labels(), negated);
    assertThat(reversed.isDefined()).isEqualTo(auc.isDefined());
    if (auc.isDefined()) {
      assertThat(reversed.value()).isCloseTo(1 - auc.value(), within(1e-12));
    }
  }

  @Property(tries = 200)
  void rocAucIsTheShareOfCorrectlyOrderedPairsWithTiesCountingHalf(@ForAll("rows") Rows rows) {
    double pairs = 0;
    long total = 0;
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < rows.size(); j++) {
        if (rows.labels()[i] && !rows.labels()[j]) {
          double pi = rows.probabilities()[i];
          double pj = rows.probabilities()[j];
          pairs += pi > pj ? 1 : pi == pj ? 0.5 : 0;
          total++;
        }
      }
    }
    MetricValue auc = Ranking.rocAuc(rows.labels(), rows.probabilities());
    if (total == 0) {
      assertThat(auc.isDefined()).isFalse();
    } else {
      assertThat(auc.value()).isCloseTo(pairs / total, within(1e-12));
    }
  }

  @Property(tries = 200)
  void histogramAucIsExactWithinTheTiesItCreates(@ForAll("rows") Rows rows) {
    int bins = 20;
    ScoreHistogram histogram = ScoreHistogram.create(bins);
    for (int i = 0; i < rows.size(); i++) {
      histogram.add(rows.labels()[i], rows.probabilities()[i]);
    }
    MetricValue exact = Ranking.rocAuc(rows.labels(), rows.probabilities());
    MetricValue approximate = histogram.approximateRocAuc();
    assertThat(approximate.isDefined()).isEqualTo(exact.isDefined());
    if (exact.isDefined()) {
      long sameBin = 0;
      long total = 0;
      for (int i = 0; i < rows.size(); i++) {
        for (int j = 0; j < rows.size(); j++) {
          if (rows.labels()[i] && !rows.labels()[j]) {
            total++;
            if (bin(rows.probabilities()[i], bins) == bin(rows.probabilities()[j], bins)) {
              sameBin++;
            }
          }
        }
      }
      assertThat(Math.abs(approximate.value() - exact.value()))
          .isLessThanOrEqualTo(0.5 * sameBin / total + 1e-12);
    }
  }

  @Property(tries = 200)
  void mergedRegressionAccumulatorsEqualTheWhole(
      @ForAll @IntRange(min = 0, max = 200) int n,
      @ForAll @IntRange(min = 0, max = 200) int cut,
      @ForAll long seed) {
    Random random = new Random(seed);
    double offset = random.nextBoolean() ? 0 : 1e6;
    RegressionAccumulator whole = RegressionAccumulator.create();
    RegressionAccumulator left = RegressionAccumulator.create();
    RegressionAccumulator right = RegressionAccumulator.create();
    for (int i = 0; i < n; i++) {
      double y = offset + random.nextGaussian() * 3;
      double p = y + random.nextGaussian();
      whole.add(y, p);
      (i < cut ? left : right).add(y, p);
    }
    left.merge(right);
    RegressionMetrics a = whole.metrics();
    RegressionMetrics b = left.metrics();
    assertThat(b.rows()).isEqualTo(a.rows());
    assertSame(b.mae(), a.mae(), 1e-12);
    assertSame(b.rmse(), a.rmse(), 1e-12);
    assertSame(b.r2(), a.r2(), 1e-9);
    assertSame(b.mape(), a.mape(), 1e-12);
  }

  private static int bin(double p, int bins) {
    return Math.min(bins - 1, (int) (p * bins));
  }

  private static void assertSame(MetricValue actual, MetricValue expected, double tolerance) {
    assertThat(actual.isDefined()).as("%s vs %s", actual, expected).isEqualTo(expected.isDefined());
    if (expected.isDefined()) {
      assertThat(actual.value())
          .isCloseTo(expected.value(), within(tolerance * Math.max(1, Math.abs(expected.value()))));
    }
  }

  private static Rows shuffle(Rows rows, long seed) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(seed));
    boolean[] labels = new boolean[rows.size()];
    double[] p = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      labels[i] = rows.labels()[order.get(i)];
      p[i] = rows.probabilities()[order.get(i)];
    }
    return new Rows(labels, p);
  }
}
