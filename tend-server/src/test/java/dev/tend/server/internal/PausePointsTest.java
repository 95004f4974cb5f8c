package dev.tend.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PausePointsTest {
  @Test
  void withoutThePropertyNothingPauses() {
    assertThat(PausePoints.parse(null)).isEmpty();
    assertThat(PausePoints.parse(" ")).isEmpty();
  }

  @Test
  void eachListedPointPausesAtItsOwnArrival() {
    Map<String, PausePoints.Target> targets =
        PausePoints.parse("push.reserved#2, push.committed,push.before-commit#3");
    assertThat(targets).containsOnlyKeys("push.reserved", "push.committed", "push.before-commit");
    assertThat(targets.get("push.reserved").arrival()).isEqualTo(2);
    assertThat(targets.get("push.committed").arrival()).isEqualTo(1);
    assertThat(targets.get("push.before-commit").arrival()).isEqualTo(3);
    assertThat(targets.get("push.reserved").arrivals())
        .isNotSameAs(targets.get("push.committed").arrivals());
  }

  @Test
  void aPointNamedTwiceIsAMistake() {
    assertThatThrownBy(() -> PausePoints.parse("push.reserved#2,push.reserved#3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names push.reserved twice");
  }
}
