package dev.tend.serving.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;

/** The element datatypes of the Open Inference Protocol's tensors. */
public enum TensorDatatype {
  BOOL(Kind.BOOL, 0, 0),
  UINT8(Kind.INTEGER, 0, 255),
  UINT16(Kind.INTEGER, 0, 65_535),
  UINT32(Kind.INTEGER, 0, 4_294_967_295L),
  UINT64(Kind.INTEGER, 0, -1),
  INT8(Kind.INTEGER, Byte.MIN_VALUE, Byte.MAX_VALUE),
  INT16(Kind.INTEGER, Short.MIN_VALUE, Short.MAX_VALUE),
  INT32(Kind.INTEGER, Integer.MIN_VALUE, Integer.MAX_VALUE),
  INT64(Kind.INTEGER, Long.MIN_VALUE, Long.MAX_VALUE),
  FP16(Kind.FLOAT, 0, 0),
  FP32(Kind.FLOAT, 0, 0),
  FP64(Kind.FLOAT, 0, 0),
  BYTES(Kind.BYTES, 0, 0);

  private enum Kind {
    BOOL,
    INTEGER,
    FLOAT,
    BYTES
  }

  private static final double FP16_MAX = 65_504.0;

  private final Kind kind;
  private final BigInteger min;
  private final BigInteger max;

  // a max of -1 stands for UINT64's 2^64 - 1, which a long cannot hold
  TensorDatatype(Kind kind, long min, long max) {
    this.kind = kind;
    this.min = BigInteger.valueOf(min);
    this.max =
        max == -1 ? BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE) : BigInteger.valueOf(max);
  }

  /** The datatype named exactly as the protocol spells it ({@code FP32}, {@code INT64}, ...). */
  public static Optional<TensorDatatype> parse(String name) {
    return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
  }

  /** The datatype a response uses for an output of this type. */
  public static TensorDatatype of(ValueType type) {
    return switch (type) {
      case BOOLEAN -> BOOL;
      case INTEGER -> INT64;
      case DOUBLE -> FP64;
      case STRING, DATE, TIMESTAMP -> BYTES;
    };
  }

  /**
   * Whether tensors of this datatype can feed a field of this type: BOOL a boolean; integer
   * datatypes an integer or double; floating-point datatypes a double, or an integer when every
   * value is whole; BYTES a string, date or timestamp.
   */
  public boolean suits(ValueType type) {
    return switch (kind) {
      case BOOL -> type == ValueType.BOOLEAN;
      case INTEGER, FLOAT -> type == ValueType.INTEGER || type == ValueType.DOUBLE;
      case BYTES ->
          type == ValueType.STRING || type == ValueType.DATE || type == ValueType.TIMESTAMP;
    };
  }

  /**
   * Checks one element against this datatype before the field checks it: whole numbers within range
   * for integer datatypes, finite numbers within range for FP16 and FP32. Nulls, and elements of
   * the wrong JSON type, are left to the field's own check.
   */
  void checkElement(JsonNode element, ColumnBuilder column, int row, String where) {
    if (!element.isNumber()) {
      return;
    }
    switch (kind) {
      case INTEGER -> {
        boolean whole =
            element.isIntegralNumber()
                || (Double.isFinite(element.doubleValue())
                    && element.doubleValue() == Math.rint(element.doubleValue()));
        if (!whole) {
          throw column.violation(
              ErrorCode.WRONG_TYPE,
              row,
              where,
              "expected an integer for datatype " + name() + ", got " + Json.describe(element));
        }
        BigInteger value = element.bigIntegerValue();
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
          throw column.violation(
              ErrorCode.WRONG_TYPE,
              row,
              where,
              "the number " + element.asText() + " is out of range for datatype " + name());
        }
      }
      case FLOAT -> {
        double limit = this == FP16 ? FP16_MAX : this == FP32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        double value = element.doubleValue();
        if (Double.isFinite(value) && Math.abs(value) > limit) {
          throw column.violation(
              ErrorCode.WRONG_TYPE,
              row,
              where,
              "the number " + element.asText() + " is out of range for datatype " + name());
        }
      }
      case BOOL, BYTES -> {
        // the field's check names the wrong JSON type
      }
    }
  }
}
