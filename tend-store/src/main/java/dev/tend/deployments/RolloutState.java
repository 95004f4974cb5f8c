package dev.tend.deployments;

import java.util.Locale;

/**
 * Where a running rollout is: its windows are being judged, or it baked cleanly and waits for a
 * user to promote it. A finished rollout has no state: it was promoted or rolled back.
 */
public enum RolloutState {
  IN_PROGRESS,
  AWAITING_APPROVAL;

  /** The name stored and shown: {@code in-progress} or {@code awaiting-approval}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static RolloutState fromWireName(String text) {
    for (RolloutState state : values()) {
      if (state.wireName().equals(text)) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown rollout state '" + text + "'");
  }
}
