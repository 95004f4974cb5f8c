package dev.tend.alert;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a rule stands on one series: {@code inactive} (not breaching), {@code pending} (breaching
 * for fewer windows than the rule's {@code for}), {@code firing} (an alert is open) and {@code
 * resolved} (the last alert closed). Being acknowledged is a flag on a firing alert, not a state.
 */
public enum AlertState {
  INACTIVE,
  PENDING,
  FIRING,
  RESOLVED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<AlertState> parse(String text) {
    for (AlertState s : values()) {
      if (s.label().equals(text)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
