package dev.tend.evaluation;

/**
 * How per-class precision, recall and F1 combine into one figure, as scikit-learn's {@code average}
 * parameter.
 */
public enum Average {
  /**
   * Unweighted mean over the classes that occur among actual or predicted labels; a class whose
   * score divides by zero counts as 0 (scikit-learn's {@code zero_division=0}).
   */
  MACRO,
  /** Mean over the classes weighted by their support (rows whose actual label is the class). */
  WEIGHTED,
  /**
   * From the counts summed over classes; for single-label data precision, recall and F1 all equal
   * the accuracy.
   */
  MICRO
}
