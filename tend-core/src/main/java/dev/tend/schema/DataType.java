package dev.tend.schema;

import java.util.Locale;
import java.util.Optional;

/** The logical type of a column, independent of the engine or file format that stores it. */
public enum DataType {
  BOOLEAN,
  INTEGER,
  DOUBLE,
  STRING,
  DATE,
  TIMESTAMP,
  /** A type Tend does not interpret (nested, binary, ...); only null counts apply. */
  OTHER;

  /** True for integer and floating-point columns. */
  public boolean isNumeric() {
    return this == INTEGER || this == DOUBLE;
  }

  /** True for date and timestamp columns. */
  public boolean isTemporal() {
    return this == DATE || this == TIMESTAMP;
  }

  /** Lower-case name used in suite files and reports. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a type name as written in a suite file. Accepts the labels and common aliases ({@code
   * int}, {@code long}, {@code bigint}, {@code float}, {@code number}, {@code text}, {@code
   * varchar}, {@code datetime}, {@code bool}).
   */
  public static Optional<DataType> parse(String name) {
    return Optional.ofNullable(
        switch (name.trim().toLowerCase(Locale.ROOT)) {
          case "boolean", "bool" -> BOOLEAN;
          case "integer", "int", "long", "bigint", "smallint", "tinyint", "hugeint" -> INTEGER;
          case "double", "float", "real", "number", "numeric", "decimal" -> DOUBLE;
          case "string", "text", "varchar", "str" -> STRING;
          case "date" -> DATE;
          case "timestamp", "datetime", "timestamptz" -> TIMESTAMP;
          case "other" -> OTHER;
          default -> null;
        });
  }
}
