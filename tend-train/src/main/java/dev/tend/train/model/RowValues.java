package dev.tend.train.model;

/* Converts one value of a request row to what a model runtime feeds its library. */
final class RowValues {
  private RowValues() {}

  /** A number, NaN when the value is absent; booleans are 1 and 0, text is parsed. */
  static double number(String column, Object value) {
    return switch (value) {
      case null -> Double.NaN;
      case Number n -> n.doubleValue();
      case Boolean b -> b ? 1 : 0;
      case String s -> {
        try {
          yield Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "column '" + column + "' needs a number, got \"" + s + "\"");
        }
      }
      default ->
          throw new IllegalArgumentException(
              "column '" + column + "' needs a number, got " + value.getClass().getSimpleName());
    };
  }

  /** A whole number; absent values are refused because integer tensors have no missing value. */
  static long integer(String column, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(
          "column '"
              + column
              + "' is missing; the model reads it as an integer, which has no"
              + " missing value");
    }
    double number = number(column, value);
    if (number != Math.rint(number) || Double.isInfinite(number)) {
      throw new IllegalArgumentException(
          "column '" + column + "' needs a whole number, got " + value);
    }
    return (long) number;
  }

  /** Text; absent values are refused because string tensors have no missing value. */
  static String text(String column, Object value) {
    if (value == null) {
      throw new IllegalArgumentException(
          "column '"
              + column
              + "' is missing; the model reads it as text, which has no missing"
              + " value");
    }
    return value.toString();
  }
}
