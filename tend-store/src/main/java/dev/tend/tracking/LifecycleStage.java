package dev.tend.tracking;

import java.util.Locale;

/** Whether an experiment or run is live or soft-deleted (restorable). */
public enum LifecycleStage {
  ACTIVE,
  DELETED;

  /** The lower-case name kept in the database and used by MLflow's JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static LifecycleStage fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
