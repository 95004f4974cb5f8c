package dev.tend.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which weeks the full and the quick demo replay, and the settings they refuse. */
class DemoSettingsTest {
  @Test
  void theFullDemoReplaysAllTwentyOneWeeks() {
    assertThat(DemoSettings.FULL.replayed())
        .isEqualTo(IntStream.range(0, DemoData.WEEKS).boxed().toList());
    assertThat(DemoSettings.FULL.window()).isEqualTo(Duration.ofSeconds(8));
    assertThat(DemoSettings.FULL.sample()).isEqualTo(0.15);
    assertThat(DemoSettings.FULL.januaryFraction()).isEqualTo(1.0);
  }

  @Test
  void theQuickDemoLeavesOutMarchButKeepsTheBrokenFeedItsRecoveryAndAprilToJune() {
    List<LocalDate> starts = DemoSettings.QUICK.replayed().stream().map(DemoData::start).toList();
    assertThat(starts.subList(0, 4))
        .containsExactly(
            LocalDate.of(2001, 2, 1),
            LocalDate.of(2001, 2, 8),
            LocalDate.of(2001, 2, 15),
            LocalDate.of(2001, 2, 22));
    assertThat(starts.get(4)).isEqualTo(LocalDate.of(2001, 4, 5));
    assertThat(starts.getLast()).isEqualTo(LocalDate.of(2001, 6, 21));
    assertThat(starts).hasSize(16).doesNotContain(LocalDate.of(2001, 3, 1));
    assertThat(DemoSettings.QUICK.replayed()).contains(DemoSettings.QUICK.brokenWeek());
    // The alert rules are calibrated on the model of the whole of January.
    assertThat(DemoSettings.QUICK.januaryFraction()).isEqualTo(1.0);
  }

  @Test
  void fewerWeeksThanTheGapEndReplayOnlyThoseBeforeIt() {
    DemoSettings q = DemoSettings.QUICK;
    DemoSettings shorter =
        new DemoSettings(
            q.sample(), q.window(), q.brokenWeek(), 1.0, 5, q.calmFrom(), q.calmWeeks(), 0);
    assertThat(shorter.replayed()).containsExactly(0, 1, 2, 3);
  }

  @Test
  void theGapMustLeaveACleanWeekAfterTheBrokenFeed() {
    assertThatThrownBy(() -> new DemoSettings(0.05, Duration.ofSeconds(4), 2, 1.0, 20, 3, 5, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("after the week after the broken feed");
    assertThatThrownBy(() -> new DemoSettings(0.05, Duration.ofSeconds(4), 2, 1.0, 20, 4, -1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
