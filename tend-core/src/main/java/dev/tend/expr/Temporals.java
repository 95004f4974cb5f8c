package dev.tend.expr;

import dev.tend.schema.DataType;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict parsing of the date and timestamp text the language accepts, and the patterns behind
 * {@code conforms}. SQL renderings of {@code conforms} use the same patterns, so Java and the
 * engines agree on what conforms.
 */
final class Temporals {
  static final String DATE_REGEX = "([0-9]{4})-([0-9]{2})-([0-9]{2})";
  static final String TIMESTAMP_REGEX =
      DATE_REGEX + "[ T]([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])(\\.([0-9]{1,6}))?";
  static final String INTEGER_REGEX = "[+-]?[0-9]+";
  static final String DOUBLE_REGEX = "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?";
  static final String BOOLEAN_REGEX = "[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]";

  private static final Pattern DATE = Pattern.compile(DATE_REGEX);
  private static final Pattern TIMESTAMP = Pattern.compile(TIMESTAMP_REGEX);
  private static final Pattern INTEGER = Pattern.compile(INTEGER_REGEX);
  private static final Pattern DOUBLE = Pattern.compile(DOUBLE_REGEX);
  private static final Pattern BOOLEAN = Pattern.compile(BOOLEAN_REGEX);

  private Temporals() {}

  /** Parses {@code yyyy-mm-dd}. */
  static Optional<LocalDate> parseDate(String text) {
    Matcher m = DATE.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.of(group(m, 1), group(m, 2), group(m, 3)));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /** Parses {@code yyyy-mm-dd hh:mm:ss[.ffffff]} (a {@code T} may replace the space). */
  static Optional<LocalDateTime> parseTimestamp(String text) {
    Matcher m = TIMESTAMP.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String fraction = m.group(8) == null ? "" : m.group(8);
    int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "000000000").substring(0, 9));
    try {
      return Optional.of(
          LocalDateTime.of(
              group(m, 1), group(m, 2), group(m, 3), group(m, 4), group(m, 5), group(m, 6), nanos));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /** Parses a date or a timestamp literal's text, as the type says. */
  static Optional<? extends Comparable<?>> parse(String text, DataType type) {
    return switch (type) {
      case DATE -> parseDate(text);
      case TIMESTAMP -> parseTimestamp(text);
      default -> Optional.empty();
    };
  }

  /** The full-match pattern text for values of {@code type} in {@code conforms}. */
  static String conformsRegex(DataType type) {
    return switch (type) {
      case INTEGER -> INTEGER_REGEX;
      case DOUBLE -> DOUBLE_REGEX;
      case BOOLEAN -> BOOLEAN_REGEX;
      case DATE -> DATE_REGEX;
      case TIMESTAMP -> TIMESTAMP_REGEX;
      case STRING, OTHER -> throw new IllegalArgumentException("no conformance for " + type);
    };
  }

  /** True when {@code text} is a valid value of {@code type}. */
  static boolean conforms(String text, DataType type) {
    return switch (type) {
      case INTEGER -> INTEGER.matcher(text).matches() && fitsLong(text);
      case DOUBLE -> DOUBLE.matcher(text).matches();
      case BOOLEAN -> BOOLEAN.matcher(text).matches();
      case DATE -> parseDate(text).isPresent();
      case TIMESTAMP -> parseTimestamp(text).isPresent();
      case STRING, OTHER -> throw new IllegalArgumentException("no conformance for " + type);
    };
  }

  private static boolean fitsLong(String text) {
    try {
      Long.parseLong(text);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static int group(Matcher m, int group) {
    return Integer.parseInt(m.group(group));
  }
}
