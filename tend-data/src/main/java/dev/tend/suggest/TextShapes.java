package dev.tend.suggest;

import java.util.List;
import java.util.Optional;

/**
 * Infers a regular expression that a set of text values share, from their character classes: for
 * example {@code ORD}, {@code ATL}, {@code SFO} share {@code [A-Z]{3}}. Values of mixed shapes
 * share none.
 */
final class TextShapes {
  private TextShapes() {}

  static Optional<String> common(List<String> values) {
    if (values.size() < 3) {
      return Optional.empty();
    }
    String shape = null;
    for (String value : values) {
      String s = shape(value);
      if (s == null || shape != null && !shape.equals(s)) {
        return Optional.empty();
      }
      shape = s;
    }
    return Optional.ofNullable(shape);
  }

  /** The shape of one value, or null when it has characters outside letters, digits and - _ . */
  static String shape(String value) {
    if (value.isEmpty() || value.length() > 64) {
      return null;
    }
    StringBuilder regex = new StringBuilder();
    String previous = null;
    int run = 0;
    for (int i = 0; i < value.length(); i++) {
      String cls = characterClass(value.charAt(i));
      if (cls == null) {
        return null;
      }
      if (cls.equals(previous)) {
        run++;
        continue;
      }
      append(regex, previous, run);
      previous = cls;
      run = 1;
    }
    append(regex, previous, run);
    return regex.toString();
  }

  private static void append(StringBuilder regex, String cls, int run) {
    if (cls == null) {
      return;
    }
    regex.append(cls);
    if (run > 1) {
      regex.append('{').append(run).append('}');
    }
  }

  private static String characterClass(char c) {
    if (c >= 'A' && c <= 'Z') {
      return "[A-Z]";
    }
    if (c >= 'a' && c <= 'z') {
      return "[a-z]";
    }
    if (c >= '0' && c <= '9') {
      return "[0-9]";
    }
    return switch (c) {
      case '-' -> "-";
      case '_' -> "_";
      case '.' -> "\\.";
      default -> null;
    };
  }
}
