package dev.tend.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Undefined metrics carry a reason, bad input is refused, and segments keep empty groups. */
class EdgeCasesTest {

  @Test
  void noRowsLeavesEveryMetricUndefinedWithAReason() {
    BinaryMetrics m = BinaryEvaluation.evaluate(new boolean[0], new double[0]);
    assertThat(m.rows()).isZero();
    for (MetricValue v :
        List.of(m.accuracy(), m.precision(), m.recall(), m.f1(), m.rocAuc(), m.logLoss())) {
      assertThat(v.isDefined()).isFalse();
      assertThat(v.value()).isNaN();
      assertThat(v.undefinedReason()).hasValue("no rows");
    }
    assertThat(RegressionAccumulator.create().metrics().r2().undefinedReason()).hasValue("no rows");
  }

  @Test
  void singleClassMakesRocAucUndefinedButKeepsLogLoss() {
    BinaryMetrics m =
        BinaryEvaluation.evaluate(new boolean[] {true, true}, new double[] {0.2, 0.9});
    assertThat(m.rocAuc().undefinedReason()).hasValue("only positive rows");
    assertThat(m.logLoss().isDefined()).isTrue();
    assertThat(m.precision().value()).isEqualTo(1.0);
  }

  @Test
  void constantLabelsMakeR2Undefined() {
    RegressionMetrics m =
        RegressionAccumulator.evaluate(new double[] {3, 3, 3}, new double[] {2, 3, 4});
    assertThat(m.r2().undefinedReason()).hasValue("all labels are equal");
    assertThat(m.mae().value()).isEqualTo(2.0 / 3);
  }

  @Test
  void badInputIsRefusedWithAMessage() {
    assertThatThrownBy(() -> BinaryEvaluation.evaluate(new boolean[] {true}, new double[] {1.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> BinaryEvaluation.evaluate(new boolean[] {true}, new double[0]))
        .hasMessageContaining("differ in length");
    assertThatThrownBy(() -> Ranking.rocAuc(new boolean[] {true}, new double[] {Double.NaN}))
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> ConfusionMatrix.create(2).add(2, 0))
        .hasMessageContaining("outside 0..1");
    assertThatThrownBy(
            () ->
                BinaryAccumulator.create(0.5, 10, 10).merge(BinaryAccumulator.create(0.4, 10, 10)))
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> MetricValue.of(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void segmentsEvaluateEachGroupAndKeepExpectedEmptyOnes() {
    String[] airports = {"ORD", "ORD", "ATL", null, "ATL", "ORD"};
    boolean[] late = {true, false, true, false, false, true};
    double[] p = {0.9, 0.2, 0.4, 0.7, 0.1, 0.6};
    Map<String, BinaryMetrics> bySegment =
        Segments.binary(airports, late, p, 0.5, 10, List.of("ORD", "JFK"));
    assertThat(bySegment.keySet()).containsExactly("(missing)", "ATL", "JFK", "ORD");
    assertThat(bySegment.get("JFK").rows()).isZero();
    assertThat(bySegment.get("JFK").f1().undefinedReason()).hasValue("no rows");
    BinaryMetrics ord = bySegment.get("ORD");
    assertThat(ord.rows()).isEqualTo(3);
    assertThat(ord.rocAuc().value()).isEqualTo(1.0);
    assertThat(ord.f1().value()).isEqualTo(1.0);
    BinaryMetrics atl = bySegment.get("ATL");
    assertThat(atl.recall().value()).isZero();
    assertThat(atl.precision().undefinedReason()).hasValue("no row was predicted as class 1");
  }

  @Test
  void calibrationBinsFollowScikitLearnEdges() {
    CalibrationBins bins = CalibrationBins.create(5);
    bins.add(true, 0.2);
    bins.add(false, 0.2000001);
    bins.add(true, 0.0);
    bins.add(true, 1.0);
    List<CalibrationBins.Bin> curve = bins.curve();
    assertThat(curve).extracting(CalibrationBins.Bin::count).containsExactly(2L, 1L, 1L);
    assertThat(curve.get(0).upper()).isEqualTo(0.2);
    assertThat(curve.get(2).lower()).isEqualTo(0.8);
  }
}
