package dev.tend.train;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * The column a model learns to predict, with an optional rule that turns a number into a binary
 * label.
 *
 * @param column the label column
 * @param greaterThan when present, the label is {@code column > greaterThan} (binary only)
 */
public record Label(String column, OptionalDouble greaterThan) {
  public Label {
    requireNonNull(column, "column is null");
    requireNonNull(greaterThan, "greaterThan is null");
  }

  /** The column's own values are the label. */
  public static Label column(String column) {
    return new Label(column, OptionalDouble.empty());
  }

  /** Binary label {@code column > value}, such as {@code delay > 15}. */
  public static Label greaterThan(String column, double value) {
    return new Label(column, OptionalDouble.of(value));
  }

  /** How the label reads in manifests: {@code delay > 15.0} or {@code species}. */
  public String describe() {
    return greaterThan.isPresent() ? column + " > " + greaterThan.getAsDouble() : column;
  }
}
