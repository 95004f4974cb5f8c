package dev.tend.serving.protocol;

import dev.tend.schema.DataType;
import java.util.Locale;
import java.util.Optional;

/** The type of one input or output value a served model reads or returns. */
public enum ValueType {
  /** JSON {@code true} or {@code false}. */
  BOOLEAN,
  /** A 64-bit signed integer; a JSON number with no fractional part. */
  INTEGER,
  /** A 64-bit floating-point number; any JSON number. */
  DOUBLE,
  /** A JSON string. */
  STRING,
  /** An ISO-8601 date string such as {@code 2024-03-31}. */
  DATE,
  /** An ISO-8601 date-time string; one without an offset is read as UTC. */
  TIMESTAMP;

  /** Lower-case name used in messages and documents. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The serving type of a logical column type, as tend-train's and the registry's signatures
   * declare them; empty for {@link DataType#OTHER}, which serving cannot check.
   */
  public static Optional<ValueType> of(DataType type) {
    return Optional.ofNullable(
        switch (type) {
          case BOOLEAN -> BOOLEAN;
          case INTEGER -> INTEGER;
          case DOUBLE -> DOUBLE;
          case STRING -> STRING;
          case DATE -> DATE;
          case TIMESTAMP -> TIMESTAMP;
          case OTHER -> null;
        });
  }

  /**
   * Parses a type name as the registry stores it ({@code double}, {@code long}, {@code float},
   * {@code str}, ...); empty for names serving cannot check, such as {@code tensor<float32>}.
   */
  public static Optional<ValueType> parse(String name) {
    return DataType.parse(name).flatMap(ValueType::of);
  }
}
