package dev.tend.expr;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One row of values by column name, as {@link ExpressionEvaluator} reads it. Values are null (SQL
 * NULL), booleans, integral numbers, floating-point numbers, strings, {@link java.time.LocalDate},
 * {@link java.time.LocalDateTime} or {@link java.time.Instant} (read as UTC).
 */
public interface Row {
  /** True when the row has a column called {@code column}. */
  boolean has(String column);

  /** The value of {@code column}, null for SQL NULL; only called when {@link #has} is true. */
  Object get(String column);

  /** A row backed by {@code values}; the map may hold null values and is not copied. */
  static Row of(Map<String, ?> values) {
    requireNonNull(values, "values is null");
    return new Row() {
      @Override
      public boolean has(String column) {
        return values.containsKey(column);
      }

      @Override
      public Object get(String column) {
        return values.get(column);
      }
    };
  }
}
