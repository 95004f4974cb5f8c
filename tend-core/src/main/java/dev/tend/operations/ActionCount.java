package dev.tend.operations;

/** How many actions the system took by itself and how many people took. */
public record ActionCount(int automated, int manual) {
  public static final ActionCount NONE = new ActionCount(0, 0);

  public ActionCount {
    if (automated < 0 || manual < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }

  public int total() {
    return automated + manual;
  }

  ActionCount plus(boolean isAutomated) {
    return isAutomated
        ? new ActionCount(automated + 1, manual)
        : new ActionCount(automated, manual + 1);
  }
}
