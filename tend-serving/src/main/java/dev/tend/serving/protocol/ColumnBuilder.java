package dev.tend.serving.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.BitSet;

/**
 * Fills one column of a known number of rows from JSON values, enforcing the field's type. Rows may
 * be set in any order; {@link #isSet} tells which were given, so decoders can report a field absent
 * from a row.
 */
final class ColumnBuilder {
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private final Field field;
  private final int size;
  private final Object values;
  private final BitSet missing = new BitSet();
  private final BitSet set = new BitSet();

  ColumnBuilder(Field field, int size) {
    this.field = field;
    this.size = size;
    this.values =
        switch (field.type()) {
          case BOOLEAN -> new boolean[size];
          case INTEGER -> new long[size];
          case DOUBLE -> new double[size];
          case STRING -> new String[size];
          case DATE -> new LocalDate[size];
          case TIMESTAMP -> new Instant[size];
        };
  }

  Field field() {
    return field;
  }

  boolean isSet(int row) {
    return set.get(row);
  }

  /**
   * Sets a row from JSON.
   *
   * @param where extra location for the message, such as {@code (tensor 'x' at [3, 1])}, or empty
   */
  void set(int row, JsonNode node, String where) {
    set.set(row);
    if (node.isNull()) {
      if (field.required()) {
        throw violation(
            ErrorCode.NULL_NOT_ALLOWED, row, where, "got null, but a value is required");
      }
      missing.set(row);
      return;
    }
    switch (field.type()) {
      case BOOLEAN -> {
        if (!node.isBoolean()) {
          throw wrongType(row, where, "true or false", node);
        }
        ((boolean[]) values)[row] = node.booleanValue();
      }
      case INTEGER -> ((long[]) values)[row] = integer(row, where, node);
      case DOUBLE -> ((double[]) values)[row] = number(row, where, node);
      case STRING -> {
        if (!node.isTextual()) {
          throw wrongType(row, where, "a string", node);
        }
        ((String[]) values)[row] = node.textValue();
      }
      case DATE -> ((LocalDate[]) values)[row] = date(row, where, node);
      case TIMESTAMP -> ((Instant[]) values)[row] = timestamp(row, where, node);
    }
  }

  /** Sets a row from a Java value of the field's type, null for missing. */
  void setObject(int row, Object value) {
    set.set(row);
    if (value == null) {
      if (field.required()) {
        throw new IllegalArgumentException("field '" + field.name() + "' is required, got null");
      }
      missing.set(row);
      return;
    }
    switch (field.type()) {
      case BOOLEAN -> ((boolean[]) values)[row] = (Boolean) value;
      case INTEGER -> ((long[]) values)[row] = ((Number) value).longValue();
      case DOUBLE -> ((double[]) values)[row] = ((Number) value).doubleValue();
      case STRING -> ((String[]) values)[row] = (String) value;
      case DATE -> ((LocalDate[]) values)[row] = (LocalDate) value;
      case TIMESTAMP -> ((Instant[]) values)[row] = (Instant) value;
    }
  }

  Column build() {
    return new Column(field, size, values, missing);
  }

  private long integer(int row, String where, JsonNode node) {
    if (!node.isNumber()) {
      throw wrongType(row, where, "an integer", node);
    }
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw violation(
            ErrorCode.WRONG_TYPE,
            row,
            where,
            "the number " + node.asText() + " is out of range for a 64-bit integer");
      }
      return node.longValue();
    }
    // JSON does not tell 3 from 3.0; a number without a fractional part is an integer.
    double value = node.doubleValue();
    if (!Double.isFinite(value) || value != Math.rint(value)) {
      throw wrongType(row, where, "an integer", node);
    }
    BigDecimal exact = node.decimalValue();
    if (exact.compareTo(LONG_MIN) < 0 || exact.compareTo(LONG_MAX) > 0) {
      throw violation(
          ErrorCode.WRONG_TYPE,
          row,
          where,
          "the number " + node.asText() + " is out of range for a 64-bit integer");
    }
    return exact.longValue();
  }

  private double number(int row, String where, JsonNode node) {
    if (node.isNumber()) {
      double value = node.doubleValue();
      if (!Double.isFinite(value)) {
        throw violation(
            ErrorCode.NON_FINITE,
            row,
            where,
            "the number is beyond the range of a double (about ±1.8e308)");
      }
      return value;
    }
    if (node.isTextual()) {
      Double special =
          switch (node.textValue()) {
            case "NaN" -> Double.NaN;
            case "Infinity", "+Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> null;
          };
      if (special != null) {
        if (field.nonFiniteAllowed()) {
          return special;
        }
        throw violation(
            ErrorCode.NON_FINITE,
            row,
            where,
            "expected a finite number, got "
                + Json.describe(node)
                + "; this field does not allow NaN or infinities (send null for a missing value)");
      }
    }
    throw wrongType(row, where, "a number", node);
  }

  private LocalDate date(int row, String where, JsonNode node) {
    if (node.isTextual()) {
      try {
        return LocalDate.parse(node.textValue());
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw wrongType(row, where, "an ISO-8601 date such as \"2024-03-31\"", node);
  }

  private Instant timestamp(int row, String where, JsonNode node) {
    if (node.isTextual()) {
      String text = node.textValue();
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        try {
          return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException again) {
          // reported below
        }
      }
    }
    throw wrongType(row, where, "an ISO-8601 timestamp such as \"2024-03-31T12:00:00Z\"", node);
  }

  private SignatureViolationException wrongType(
      int row, String where, String expected, JsonNode node) {
    return violation(
        ErrorCode.WRONG_TYPE, row, where, "expected " + expected + ", got " + Json.describe(node));
  }

  SignatureViolationException violation(ErrorCode code, int row, String where, String problem) {
    return SignatureViolationException.at(code, row, field.name(), where, problem);
  }
}
