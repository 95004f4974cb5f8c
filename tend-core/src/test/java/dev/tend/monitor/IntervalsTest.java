package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntervalsTest {
  @Test
  void wilsonCoversTheTrueRateAboutNinetyFivePercentOfTheTime() {
    SplittableRandom random = new SplittableRandom(3);
    int covered = 0;
    int trials = 2_000;
    for (int t = 0; t < trials; t++) {
      int n = 200;
      int k = 0;
      for (int i = 0; i < n; i++) {
        k += random.nextDouble() < 0.2 ? 1 : 0;
      }
      Intervals.Interval i = Intervals.wilson(k, n);
      covered += i.lower() <= 0.2 && 0.2 <= i.upper() ? 1 : 0;
    }
    assertThat(covered / (double) trials).isBetween(0.93, 0.97);
  }

  @Test
  void badCountsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> Intervals.wilson(0, 0)).hasMessageContaining("at least one trial");
    assertThatThrownBy(() -> Intervals.wilson(5, 4)).hasMessageContaining("[0, 4], got 5");
    assertThatThrownBy(() -> Intervals.studentT(new double[] {1}))
        .hasMessageContaining("at least two values");
    assertThatThrownBy(() -> Intervals.studentT(3, Double.NaN, 1)).hasMessageContaining("finite");
  }

  @Test
  void pointsCarryTheIntervalAndTheOutcomeColumn() {
    MetricPoint rate = Intervals.outcomeRate(MonitorGoldenTest.SCOPE, "converted", 20, 100);
    assertThat(rate.metric()).isEqualTo(MonitorMetric.OUTCOME_RATE);
    assertThat(rate.column()).isEqualTo("converted");
    assertThat(rate.value()).isEqualTo(0.2);
    assertThat(rate.count()).isEqualTo(100);
    assertThat(rate.lower().getAsDouble()).isLessThan(0.2);
    MetricPoint mean = Intervals.outcomeMean(MonitorGoldenTest.SCOPE, "revenue", 10, 5.0, 0.0);
    assertThat(mean.lower()).hasValue(5.0);
    assertThat(mean.upper()).hasValue(5.0);
  }
}
