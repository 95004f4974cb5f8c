package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The values of one field over the rows of a {@link Batch}, stored in a primitive array for
 * booleans, integers and doubles so runtimes can read them without boxing. Immutable.
 */
public final class Column {
  private final Field field;
  private final int size;
  // boolean[], long[], double[], String[], LocalDate[] or Instant[], by field type
  private final Object values;
  private final BitSet missing;

  Column(Field field, int size, Object values, BitSet missing) {
    this.field = requireNonNull(field, "field is null");
    this.size = size;
    this.values = requireNonNull(values, "values is null");
    this.missing = (BitSet) missing.clone();
  }

  /** The same values under another field of the same type, as when a decoder relaxed a check. */
  Column withField(Field other) {
    if (other.type() != field.type()) {
      throw new IllegalArgumentException(
          "field '"
              + other.name()
              + "' is "
              + other.type().label()
              + ", not "
              + field.type().label());
    }
    return new Column(other, size, values, missing);
  }

  public Field field() {
    return field;
  }

  public int size() {
    return size;
  }

  /** Whether the row's value is missing (null in the request). */
  public boolean isMissing(int row) {
    checkRow(row);
    return missing.get(row);
  }

  /** The number of missing values. */
  public int missingCount() {
    return missing.cardinality();
  }

  public boolean getBoolean(int row) {
    return ((boolean[]) present(row, ValueType.BOOLEAN))[row];
  }

  public long getLong(int row) {
    return ((long[]) present(row, ValueType.INTEGER))[row];
  }

  public double getDouble(int row) {
    return ((double[]) present(row, ValueType.DOUBLE))[row];
  }

  public String getString(int row) {
    return ((String[]) present(row, ValueType.STRING))[row];
  }

  public LocalDate getDate(int row) {
    return ((LocalDate[]) present(row, ValueType.DATE))[row];
  }

  public Instant getTimestamp(int row) {
    return ((Instant[]) present(row, ValueType.TIMESTAMP))[row];
  }

  /**
   * The value as a number for numeric runtimes: integers and doubles as they are, booleans as 0 or
   * 1, a missing value as NaN.
   */
  public double asDouble(int row) {
    checkRow(row);
    if (missing.get(row)) {
      return Double.NaN;
    }
    return switch (field.type()) {
      case BOOLEAN -> ((boolean[]) values)[row] ? 1.0 : 0.0;
      case INTEGER -> ((long[]) values)[row];
      case DOUBLE -> ((double[]) values)[row];
      case STRING, DATE, TIMESTAMP ->
          throw new IllegalStateException(
              "field '" + field.name() + "' is " + field.type().label() + ", not a number");
    };
  }

  /** The value boxed ({@code Boolean}, {@code Long}, {@code Double}, ...), null when missing. */
  public Object value(int row) {
    checkRow(row);
    if (missing.get(row)) {
      return null;
    }
    return switch (field.type()) {
      case BOOLEAN -> ((boolean[]) values)[row];
      case INTEGER -> ((long[]) values)[row];
      case DOUBLE -> ((double[]) values)[row];
      case STRING, DATE, TIMESTAMP -> ((Object[]) values)[row];
    };
  }

  private Object present(int row, ValueType expected) {
    if (field.type() != expected) {
      throw new IllegalStateException(
          "field '" + field.name() + "' is " + field.type().label() + ", not " + expected.label());
    }
    if (isMissing(row)) {
      throw new IllegalStateException(
          "row " + row + ", field '" + field.name() + "' is missing; check isMissing first");
    }
    return values;
  }

  private void checkRow(int row) {
    if (row < 0 || row >= size) {
      throw new IndexOutOfBoundsException("row " + row + " of " + size);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Column other
        && field.equals(other.field)
        && size == other.size
        && missing.equals(other.missing)
        && Arrays.deepEquals(new Object[] {values}, new Object[] {other.values});
  }

  @Override
  public int hashCode() {
    return 31 * field.hashCode() + Arrays.deepHashCode(new Object[] {values});
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(field.name()).append('=').append('[');
    for (int row = 0; row < size; row++) {
      text.append(row == 0 ? "" : ", ").append(value(row));
    }
    return text.append(']').toString();
  }
}
