package dev.tend.registry;

/** The runtime format of a model's files, as far as Tend serves it. */
public enum ModelFormat {
  XGBOOST("xgboost"),
  ONNX("onnx"),
  OTHER("other");

  private final String label;

  ModelFormat(String label) {
    this.label = label;
  }

  /** The lowercase name kept in the store and shown in responses. */
  public String label() {
    return label;
  }

  static ModelFormat fromLabel(String label) {
    for (ModelFormat format : values()) {
      if (format.label.equals(label)) {
        return format;
      }
    }
    throw new IllegalStateException("unknown stored model format " + label);
  }
}
