package dev.tend.checks;

import java.util.Locale;

/** How a failing check affects the run: an error fails it, a warning is only reported. */
public enum Severity {
  ERROR,
  WARN;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
