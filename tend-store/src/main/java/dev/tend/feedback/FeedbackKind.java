package dev.tend.feedback;

/** Whether a feedback value is the prediction's actual label or a business outcome. */
public enum FeedbackKind {
  LABEL("label"),
  OUTCOME("outcome");

  private final String wireName;

  FeedbackKind(String wireName) {
    this.wireName = wireName;
  }

  /** The name stored and sent over the API. */
  public String wireName() {
    return wireName;
  }

  /** The kind of a feedback named {@code name}: {@link #LABEL} for {@code label} only. */
  public static FeedbackKind of(String name) {
    return name.equals(Feedback.LABEL) ? LABEL : OUTCOME;
  }

  static FeedbackKind fromWireName(String wireName) {
    return switch (wireName) {
      case "label" -> LABEL;
      case "outcome" -> OUTCOME;
      default -> throw new IllegalArgumentException("unknown feedback kind: " + wireName);
    };
  }
}
