package dev.tend.pipeline.command;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/** Checks that a value can be written to JSON as Tend means it: no nulls, no NaN or infinity. */
final class JsonValues {
  private JsonValues() {}

  /** A string, boolean or finite number. */
  static void checkScalar(Object value, String where) {
    if (value instanceof String || value instanceof Boolean) {
      return;
    }
    if (value instanceof Double d && !Double.isFinite(d)
        || value instanceof Float f && !Float.isFinite(f)) {
      throw new IllegalArgumentException(where + " is " + value + "; only finite numbers fit JSON");
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof Double
        || value instanceof Float
        || value instanceof BigInteger
        || value instanceof BigDecimal) {
      return;
    }
    throw new IllegalArgumentException(
        where
            + " must be a string, number or boolean, not "
            + (value == null ? "null" : value.getClass().getSimpleName()));
  }

  /** A scalar, or a list or string-keyed map of values. */
  static void check(Object value, String where) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        check(list.get(i), where + "[" + i + "]");
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw new IllegalArgumentException(where + " has a key that is not a string");
        }
        check(entry.getValue(), where + "." + key);
      }
    } else {
      checkScalar(value, where);
    }
  }
}
