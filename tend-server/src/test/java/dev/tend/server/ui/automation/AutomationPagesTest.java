package dev.tend.server.ui.automation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.automations.ActionState;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How the automation pages read an action's stored gate figures and show its state. */
class AutomationPagesTest {
  @Test
  void aGateIsReadFromItsStoredFigures() {
    String json =
        "{\"metric\": \"log_loss\", \"rows\": 1344, \"data_after\": \"2026-05-01T00:00:00Z\","
            + " \"champion\": 0.2083, \"challenger\": 0.20931, \"improvement\": -0.00101,"
            + " \"min_improvement\": 0.01, \"passed\": false}";
    AutomationPages.Gate gate =
        AutomationPages.gate(json, "species v1", "species v2").orElseThrow();
    assertThat(gate.metric()).isEqualTo("log_loss");
    assertThat(gate.rows()).isEqualTo("1,344");
    assertThat(gate.champion()).isEqualTo("0.2083");
    assertThat(gate.challenger()).isEqualTo("0.2093");
    assertThat(gate.improvement()).isEqualTo("-0.0010");
    assertThat(gate.passed()).isFalse();
    assertThat(gate.chart())
        .contains("\"champion species v1\"", "\"challenger species v2\"", "[0.2083,0.20931]");
  }

  @Test
  void aGateWithoutBothFiguresIsNotDrawn() {
    assertThat(AutomationPages.gate("{\"metric\": \"f1\", \"champion\": 0.5}", "a", "b")).isEmpty();
    assertThat(AutomationPages.gate("not json", "a", "b")).isEmpty();
  }

  @Test
  void everyStateHasABadgeAndOnlyBadEndingsAreRed() {
    assertThat(
            Arrays.stream(ActionState.values()).filter(s -> AutomationPages.badge(s).equals("bad")))
        .containsExactlyInAnyOrder(
            ActionState.ROLLED_BACK,
            ActionState.REJECTED_BY_GATE,
            ActionState.REJECTED,
            ActionState.FAILED);
    assertThat(AutomationPages.badge(ActionState.AWAITING_APPROVAL)).isEqualTo("warn");
  }
}
