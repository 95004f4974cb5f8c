package dev.tend.store.internal;

import java.util.Map;

/** Writes the small flat JSON objects the store records as audit details. */
public final class Json {
  private Json() {}

  /** {@code values} as a JSON object; values are strings, numbers, booleans or null. */
  public static String object(Map<String, ?> values) {
    StringBuilder out = new StringBuilder("{");
    values.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            entry -> {
              if (out.length() > 1) {
                out.append(',');
              }
              string(out, entry.getKey());
              out.append(':');
              Object value = entry.getValue();
              if (value == null) {
                out.append("null");
              } else if (value instanceof Number || value instanceof Boolean) {
                out.append(value);
              } else {
                string(out, value.toString());
              }
            });
    return out.append('}').toString();
  }

  private static void string(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
