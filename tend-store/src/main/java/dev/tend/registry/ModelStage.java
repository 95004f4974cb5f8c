package dev.tend.registry;

import java.util.Locale;

/** The stages of MLflow's model version lifecycle, with MLflow's spelling. */
public enum ModelStage {
  NONE("None"),
  STAGING("Staging"),
  PRODUCTION("Production"),
  ARCHIVED("Archived");

  private final String label;

  ModelStage(String label) {
    this.label = label;
  }

  /** The stage as MLflow writes it, such as {@code Production}. */
  public String label() {
    return label;
  }

  /** Whether moving a version here may archive the versions already here. */
  public boolean isActive() {
    return this == STAGING || this == PRODUCTION;
  }

  /**
   * The stage named {@code text}, in any case, as MLflow accepts it.
   *
   * @throws IllegalArgumentException naming the stages there are
   */
  public static ModelStage parse(String text) {
    if (text != null) {
      for (ModelStage stage : values()) {
        if (stage.label.toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
          return stage;
        }
      }
    }
    throw new IllegalArgumentException(
        "Invalid Model Version stage: "
            + text
            + ". Value must be one of None, Staging, Production, Archived.");
  }

  static ModelStage fromLabel(String label) {
    for (ModelStage stage : values()) {
      if (stage.label.equals(label)) {
        return stage;
      }
    }
    throw new IllegalStateException("unknown stored stage " + label);
  }
}
