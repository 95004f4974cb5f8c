package dev.tend.checks;

import java.util.Locale;
import java.util.Optional;

/** The quality dimension a check measures; scores are reported per dimension and overall. */
public enum Dimension {
  COMPLETENESS,
  VALIDITY,
  CONSISTENCY,
  UNIQUENESS,
  TIMELINESS;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Dimension> parse(String label) {
    for (Dimension d : values()) {
      if (d.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
