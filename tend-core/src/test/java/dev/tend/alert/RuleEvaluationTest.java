package dev.tend.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tend.alert.RuleEvaluation.Verdict;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Verdicts of threshold, change and anomaly conditions on hand-computed series. */
class RuleEvaluationTest {
  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");

  static List<MetricPoint> series(MonitorMetric metric, double... values) {
    List<MetricPoint> points = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      Instant start = T0.plus(Duration.ofHours(i));
      points.add(
          MetricPoint.of(
              "flights-prod",
              "*",
              start,
              start.plus(Duration.ofHours(1)),
              metric,
              "",
              values[i],
              1000));
    }
    return points;
  }

  static AlertRule rule(String metric, String condition) {
    return AlertRules.parse(
        "name: r\nmetric: " + metric + "\ncondition: " + condition, "r.yaml", Optional.empty());
  }

  static List<Boolean> breaches(AlertRule rule, List<MetricPoint> series) {
    return RuleEvaluation.evaluate(rule, series).stream().map(Verdict::breached).toList();
  }

  @Test
  void thresholdsCompareEachWindowWithTheValueAndExplainIt() {
    AlertRule below = rule("f1", "{threshold: '< 0.5'}");
    List<Verdict> verdicts =
        RuleEvaluation.evaluate(below, series(MonitorMetric.F1, 0.6, 0.5, 0.41));
    assertThat(verdicts).extracting(Verdict::breached).containsExactly(false, false, true);
    assertThat(verdicts.get(2).explanation()).isEqualTo("below 0.5");
    assertThat(verdicts.get(0).explanation()).isEqualTo("not below 0.5");
    assertThat(breaches(rule("f1", "{threshold: '<= 0.5'}"), series(MonitorMetric.F1, 0.5)))
        .containsExactly(true);
    assertThat(
            breaches(
                rule("error_rate", "{threshold: '>= 0.05'}"),
                series(MonitorMetric.ERROR_RATE, 0.01, 0.05, 0.2)))
        .containsExactly(false, true, true);
  }

  @Test
  void aRelativeDropFromThePreviousWindowsMeanNeedsThoseWindowsFirst() {
    AlertRule drop =
        rule("f1", "{change: {baseline: previous, windows: 3, by: 20%, direction: down}}");
    // Means of the three before: (0.8+0.8+0.8)/3 = 0.8 -> 0.62 is down 22.5%; 0.7 is down 12.5%
    // from (0.8+0.8+0.62)/3 = 0.74; 1.0 goes up and never counts.
    List<Verdict> verdicts =
        RuleEvaluation.evaluate(drop, series(MonitorMetric.F1, 0.8, 0.8, 0.8, 0.62, 0.7, 1.0));
    assertThat(verdicts)
        .extracting(Verdict::breached)
        .containsExactly(false, false, false, true, false, false);
    assertThat(verdicts.get(1).explanation()).contains("needs 3 earlier windows, has 1");
    assertThat(verdicts.get(3).explanation())
        .isEqualTo("down 22.5% from 0.8 (the mean of the previous 3 windows; alerts at 20% down)");
    assertThat(verdicts.get(4).baseline().getAsDouble()).isCloseTo(0.74, within(1e-12));
  }

  @Test
  void absoluteChangesFromTheFirstWindowOrAReferenceCountEitherWay() {
    AlertRule first = rule("error_rate", "{change: {baseline: first, by: 0.05}}");
    assertThat(breaches(first, series(MonitorMetric.ERROR_RATE, 0.10, 0.14, 0.16, 0.04, 0.2)))
        .containsExactly(false, false, true, true, true);
    AlertRule reference =
        rule(
            "roc_auc",
            "{change: {baseline: reference, reference: 0.8, by: 0.05, direction: down}}");
    assertThat(breaches(reference, series(MonitorMetric.ROC_AUC, 0.8, 0.76, 0.74, 0.9)))
        .containsExactly(false, false, true, false);
  }

  @Test
  void aRelativeChangeFromZeroIsInfinitelyLarge() {
    AlertRule up = rule("error_rate", "{change: {baseline: previous, by: 50%, direction: up}}");
    List<Verdict> verdicts =
        RuleEvaluation.evaluate(up, series(MonitorMetric.ERROR_RATE, 0, 0, 0.01));
    assertThat(verdicts).extracting(Verdict::breached).containsExactly(false, false, true);
    assertThat(verdicts.get(2).explanation()).startsWith("up from zero from 0");
  }

  @Test
  void robustZMatchesTheHandComputedValue() {
    // history 1..9: median 5, |deviations| 4,3,2,1,0,1,2,3,4 -> MAD 2; z(12) = 0.6745*7/2
    double[] history = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    assertThat(RuleEvaluation.robustZ(12, history)).isCloseTo(0.6745 * 7 / 2, within(1e-12));
    // MAD 0 (most values equal): the mean absolute deviation stands in: 2/5 = 0.4
    double[] flat = {5, 5, 5, 5, 7};
    assertThat(RuleEvaluation.robustZ(6, flat)).isCloseTo(1 / (1.253314 * 0.4), within(1e-12));
    assertThat(RuleEvaluation.robustZ(5, new double[] {5, 5, 5})).isZero();
    assertThat(RuleEvaluation.robustZ(4, new double[] {5, 5, 5})).isNegative().isInfinite();
  }

  @Test
  void anomaliesWaitForHistoryThenFlagOnlyOutliersInTheirDirection() {
    AlertRule spike =
        rule("throughput", "{anomaly: {windows: 6, min_history: 4, z: 3.5, direction: up}}");
    double[] values = {100, 104, 98, 101, 500, 99, 103, 10};
    List<Verdict> verdicts =
        RuleEvaluation.evaluate(spike, series(MonitorMetric.THROUGHPUT, values));
    assertThat(verdicts)
        .extracting(Verdict::breached)
        .containsExactly(false, false, false, false, true, false, false, false);
    assertThat(verdicts.get(3).explanation()).contains("needs 4 earlier windows, has 3");
    assertThat(verdicts.get(4).explanation()).startsWith("robust z-score ");
    // The same drop the other way counts with direction either.
    AlertRule either = rule("throughput", "{anomaly: {windows: 6, min_history: 4}}");
    assertThat(breaches(either, series(MonitorMetric.THROUGHPUT, values)).get(7)).isTrue();
  }

  @Test
  void pointsOfAnotherSeriesOrOutOfOrderAreRefused() {
    AlertRule r = rule("f1", "{threshold: '< 0.5'}");
    List<MetricPoint> reversed = new ArrayList<>(series(MonitorMetric.F1, 0.1, 0.2));
    java.util.Collections.reverse(reversed);
    assertThatThrownBy(() -> RuleEvaluation.evaluate(r, reversed))
        .hasMessageContaining("in order of their windows");
    assertThatThrownBy(() -> RuleEvaluation.evaluate(r, series(MonitorMetric.ACCURACY, 0.1)))
        .hasMessageContaining("does not watch");
  }

  @Test
  void figuresAreWrittenWithFourSignificantDigits() {
    assertThat(RuleEvaluation.format(0.123456)).isEqualTo("0.1235");
    assertThat(RuleEvaluation.format(250)).isEqualTo("250");
    assertThat(RuleEvaluation.format(12345.6)).isEqualTo("12350");
    assertThat(RuleEvaluation.format(0)).isEqualTo("0");
  }
}
