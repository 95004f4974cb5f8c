package dev.tend.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.alert.AlertStateMachine.Change;
import dev.tend.alert.AlertStateMachine.Step;
import dev.tend.alert.RuleEvaluation.Verdict;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The alert state machine against a direct reading of its rules on generated breach sequences:
 * firing exactly when the last {@code for} windows breached, one FIRED per run of breaches, and
 * replayed windows change nothing.
 */
class AlertStateMachinePropertiesTest {
  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");

  static Verdict verdict(int window, boolean breached) {
    Instant start = T0.plus(Duration.ofMinutes(10L * window));
    MetricPoint point =
        MetricPoint.of(
            "d", "*", start, start.plus(Duration.ofMinutes(10)), MonitorMetric.ROWS, "", 1, 1);
    return new Verdict(point, breached, OptionalDouble.empty(), "");
  }

  static List<Step> run(List<Boolean> breaches, int forWindows) {
    List<Step> steps = new ArrayList<>();
    SeriesState state = SeriesState.INITIAL;
    for (int i = 0; i < breaches.size(); i++) {
      Step step = AlertStateMachine.step(state, verdict(i, breaches.get(i)), forWindows);
      steps.add(step);
      state = step.next();
    }
    return steps;
  }

  @Property
  void firingExactlyWhenTheLastForWindowsBreachedInARun(
      @ForAll @Size(max = 60) List<Boolean> breaches, @ForAll @IntRange(min = 1, max = 5) int n) {
    List<Step> steps = run(breaches, n);
    int streak = 0;
    boolean firing = false;
    for (int i = 0; i < breaches.size(); i++) {
      streak = breaches.get(i) ? streak + 1 : 0;
      boolean shouldFire = streak >= n;
      Step step = steps.get(i);
      assertThat(step.next().state() == AlertState.FIRING).as("window %d", i).isEqualTo(shouldFire);
      assertThat(step.change() == Change.FIRED).isEqualTo(shouldFire && !firing);
      assertThat(step.change() == Change.RESOLVED).isEqualTo(firing && !breaches.get(i));
      assertThat(step.next().state() == AlertState.PENDING).isEqualTo(streak > 0 && streak < n);
      if (streak > 0) {
        // The onset is the start of the run's first window.
        assertThat(step.next().onset())
            .contains(verdict(i - streak + 1, true).point().windowStart());
      } else {
        assertThat(step.next().onset()).isEmpty();
      }
      firing = shouldFire;
    }
  }

  @Property
  void replayingAnyEarlierWindowChangesNothing(
      @ForAll @Size(min = 1, max = 30) List<Boolean> breaches,
      @ForAll @IntRange(min = 1, max = 4) int n,
      @ForAll @IntRange(min = 0, max = 29) int replayed,
      @ForAll boolean replayedBreach) {
    List<Step> steps = run(breaches, n);
    SeriesState last = steps.getLast().next();
    int index = Math.min(replayed, breaches.size() - 1);
    Step again = AlertStateMachine.step(last, verdict(index, replayedBreach), n);
    assertThat(again.next()).isEqualTo(last);
    assertThat(again.change()).isEqualTo(Change.NONE);
  }

  @Test
  void acknowledgingIsAFlagOnFiringThatResolutionClears() {
    Step fired = AlertStateMachine.step(SeriesState.INITIAL, verdict(0, true), 1);
    SeriesState acked = AlertStateMachine.acknowledge(fired.next());
    assertThat(acked.acknowledged()).isTrue();
    Step still = AlertStateMachine.step(acked, verdict(1, true), 1);
    assertThat(still.change()).isEqualTo(Change.STILL_FIRING);
    assertThat(still.next().acknowledged()).isTrue();
    Step resolved = AlertStateMachine.step(still.next(), verdict(2, false), 1);
    assertThat(resolved.change()).isEqualTo(Change.RESOLVED);
    assertThat(resolved.next().acknowledged()).isFalse();
    assertThatThrownBy(() -> AlertStateMachine.acknowledge(resolved.next()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resolved");
  }

  @Test
  void fingerprintsAreStablePerRuleAndSeries() {
    SeriesKey key = new SeriesKey("flights-prod", "*", "", "distance");
    assertThat(key.fingerprint("drift")).hasSize(16).isEqualTo(key.fingerprint("drift"));
    assertThat(key.fingerprint("drift")).isNotEqualTo(key.fingerprint("drift2"));
    assertThat(new SeriesKey("flights-prod", "*", "", "hour").fingerprint("drift"))
        .isNotEqualTo(key.fingerprint("drift"));
  }
}
