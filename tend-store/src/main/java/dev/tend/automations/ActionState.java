package dev.tend.automations;

import java.util.Locale;
import java.util.Optional;

/** Where an automation action is; the last six are final. */
public enum ActionState {
  QUEUED,
  TRAINING,
  GATING,
  AWAITING_APPROVAL,
  CANARY,
  PROMOTED,
  ROLLED_BACK,
  REJECTED_BY_GATE,
  REJECTED,
  FAILED,
  SKIPPED;

  /** Whether the action is over. */
  public boolean finished() {
    return ordinal() >= PROMOTED.ordinal();
  }

  /** The stored and wire name, such as {@code awaiting-approval}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<ActionState> fromWireName(String text) {
    for (ActionState s : values()) {
      if (s.wireName().equals(text)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
