package dev.tend.train.model;

/** What a model predicts. */
public enum Task {
  /** Two classes; the model gives the probability of the positive one. */
  BINARY,
  /** Several classes; the model gives one probability per class. */
  MULTICLASS,
  /** A number. */
  REGRESSION
}
