package dev.tend.profile;

import dev.tend.schema.DataType;

/**
 * Builds the {@link ColumnProfile} of one column of one partition from a stream of (value, count)
 * pairs, as an engine hands them over after a GROUP BY, or from raw values with count 1. Mutable
 * and not thread-safe: use one per column per partition and merge the profiles.
 *
 * <p>Values are null (missing), Boolean, Long (also Integer, Short, Byte), Double (any Number for a
 * double column), String, or for DATE and TIMESTAMP a Long of epoch microseconds. OTHER columns
 * accept any object and only count it. The typed {@code update*} methods avoid boxing.
 */
public interface ColumnProfiler {
  /** A profiler with {@link ProfileOptions#DEFAULTS}. */
  static ColumnProfiler create(String column, DataType type) {
    return create(column, type, ProfileOptions.DEFAULTS);
  }

  static ColumnProfiler create(String column, DataType type, ProfileOptions options) {
    return new SketchColumnProfiler(column, type, options);
  }

  String column();

  DataType type();

  /**
   * Adds {@code count} occurrences of {@code value}; a count of zero does nothing.
   *
   * @throws IllegalArgumentException if the value does not fit the column type or count is negative
   * @throws IllegalStateException after {@link #finish()}
   */
  void update(Object value, long count);

  /** Adds {@code count} missing values. */
  void updateMissing(long count);

  /** For BOOLEAN columns. */
  void updateBoolean(boolean value, long count);

  /** For INTEGER columns, DATE and TIMESTAMP columns (epoch microseconds), and DOUBLE columns. */
  void updateLong(long value, long count);

  /** For DOUBLE columns; NaN and infinities are counted but kept out of moments and sketches. */
  void updateDouble(double value, long count);

  /** For STRING columns; a null value is missing. */
  void updateString(String value, long count);

  /** The profile of everything added so far; the profiler accepts no updates afterwards. */
  ColumnProfile finish();
}
