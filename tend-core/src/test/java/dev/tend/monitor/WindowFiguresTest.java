package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowFiguresTest {
  private static Object[] values(SplittableRandom random, int n, double shift) {
    Object[] out = new Object[n];
    for (int i = 0; i < n; i++) {
      out[i] = random.nextDouble() + shift;
    }
    return out;
  }

  @Test
  void collectsEveryKindOfFigureOfOneWindow() {
    SplittableRandom random = new SplittableRandom(5);
    DatasetProfile reference =
        TestProfiles.builder()
            .column("x", DataType.DOUBLE, values(random, 2_000, 0))
            .column("score", DataType.DOUBLE, values(random, 2_000, 0))
            .build();
    DatasetProfile previous =
        TestProfiles.builder()
            .column("x", DataType.DOUBLE, values(random, 300, 0))
            .column("score", DataType.DOUBLE, values(random, 300, 0))
            .build();
    DatasetProfile current =
        TestProfiles.builder()
            .column("x", DataType.DOUBLE, values(random, 300, 0.5))
            .column("score", DataType.DOUBLE, values(random, 300, 0))
            .build();
    WindowFigures w = WindowFigures.of(MonitorGoldenTest.SCOPE);
    DriftFigures.Comparison drift =
        w.drift(reference, current, Optional.of(previous), List.of("x"), Optional.of("score"));
    assertThat(drift.alert()).isTrue();
    assertThat(w.quality(reference, current, 0).qualityScore().getAsDouble()).isLessThan(1);
    double[] scores = {0.1, 0.4, 0.8, 0.9};
    Calibration calibration = Calibration.fit(scores, new boolean[] {false, true, false, true});
    w.estimated(scores, Optional.of(calibration), 0.5);
    w.labelledBinary(new boolean[] {false, true, false, true}, scores, 0.5, 10);
    w.outcomeRate("converted", 3, 10);
    w.outcomeMean("revenue", 10, 4.5, 1.2);
    Set<MonitorMetric> metrics = EnumSet.noneOf(MonitorMetric.class);
    w.points().forEach(p -> metrics.add(p.metric()));
    assertThat(metrics)
        .contains(
            MonitorMetric.FEATURE_DRIFT,
            MonitorMetric.FEATURE_DRIFT_PREVIOUS,
            MonitorMetric.DRIFT_DETECTED,
            MonitorMetric.DRIFTED_FEATURE_SHARE,
            MonitorMetric.PREDICTION_DRIFT,
            MonitorMetric.MISSING_SHARE,
            MonitorMetric.OUT_OF_RANGE_SHARE,
            MonitorMetric.QUALITY_SCORE,
            MonitorMetric.ESTIMATED_ACCURACY,
            MonitorMetric.MEAN_CONFIDENCE,
            MonitorMetric.LABEL_COVERAGE,
            MonitorMetric.ACCURACY,
            MonitorMetric.OUTCOME_RATE,
            MonitorMetric.OUTCOME_MEAN);
  }

  @Test
  void refusesPointsOfAnotherWindow() {
    WindowFigures w = WindowFigures.of(MonitorGoldenTest.SCOPE);
    MetricPoint other =
        MetricPoint.of(
            "churn",
            "v1",
            Instant.parse("2026-01-02T00:00:00Z"),
            Instant.parse("2026-01-03T00:00:00Z"),
            MonitorMetric.ROWS,
            "",
            5,
            5);
    assertThatThrownBy(() -> w.add(other)).hasMessageContaining("is not of window");
  }
}
