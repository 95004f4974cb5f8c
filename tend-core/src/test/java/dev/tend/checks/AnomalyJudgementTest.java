package dev.tend.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalDouble;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AnomalyJudgementTest {
  private static final AnomalyRule HALVING =
      new AnomalyRule.Change(
          AnomalyRule.Direction.DECREASE, OptionalDouble.of(0.5), OptionalDouble.empty());

  @Test
  void rowCountMayNotFallMoreThanHalf() {
    assertThat(AnomalyJudgement.judge(HALVING, 500, List.of(1000.0)).normal()).isTrue();
    assertThat(AnomalyJudgement.judge(HALVING, 499, List.of(1000.0)).normal()).isFalse();
    assertThat(AnomalyJudgement.judge(HALVING, 5000, List.of(1000.0)).normal()).isTrue();
    AnomalyJudgement drop = AnomalyJudgement.judge(HALVING, 400, List.of(1000.0, 10.0));
    assertThat(drop.observedDetail()).isEqualTo(" (last run 1,000: -600, -60%)");
    assertThat(drop.expected()).isEqualTo("decrease from last run at most 50%");
  }

  @Test
  void firstRunIsTheBaseline() {
    AnomalyJudgement first = AnomalyJudgement.judge(HALVING, 1, List.of());
    assertThat(first.normal()).isTrue();
    assertThat(first.note()).hasValueSatisfying(n -> assertThat(n).contains("baseline"));
  }

  @Test
  void absoluteChangeInBothDirections() {
    AnomalyRule rule =
        new AnomalyRule.Change(
            AnomalyRule.Direction.ANY, OptionalDouble.empty(), OptionalDouble.of(2));
    assertThat(AnomalyJudgement.judge(rule, 12, List.of(10.0)).normal()).isTrue();
    assertThat(AnomalyJudgement.judge(rule, 7.9, List.of(10.0)).normal()).isFalse();
    assertThat(AnomalyJudgement.judge(rule, 12.1, List.of(10.0)).normal()).isFalse();
  }

  @Test
  void deviationUsesSampleStandardDeviationOfTheLookback() {
    AnomalyRule rule = new AnomalyRule.Deviation(2, 4, 3);
    // last four runs: 10, 12, 14, 16 -> mean 13, sample stddev 2.582; allowed 7.836 .. 18.164
    List<Double> history = List.of(10.0, 12.0, 14.0, 16.0, 1000.0);
    assertThat(AnomalyJudgement.judge(rule, 18.1, history).normal()).isTrue();
    assertThat(AnomalyJudgement.judge(rule, 18.2, history).normal()).isFalse();
    assertThat(AnomalyJudgement.judge(rule, 7.8, history).normal()).isFalse();
    assertThat(AnomalyJudgement.judge(rule, 1000, List.of(1.0, 2.0)).normal()).isTrue();
  }

  @Property
  void theMeanOfTheHistoryIsNeverAnAnomaly(
      @ForAll @Size(min = 3, max = 30) List<@DoubleRange(min = -1e6, max = 1e6) Double> history) {
    double mean = history.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    AnomalyRule rule = new AnomalyRule.Deviation(1, history.size(), 3);
    assertThat(AnomalyJudgement.judge(rule, mean, history).normal()).isTrue();
  }
}
