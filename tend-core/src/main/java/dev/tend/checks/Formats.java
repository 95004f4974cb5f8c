package dev.tend.checks;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number, fraction, time and duration formatting for observed/expected texts. */
public final class Formats {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Formats() {}

  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A fraction as a percentage with up to 4 significant decimals, e.g. {@code 0.52%}. */
  public static String percent(double fraction) {
    return number(fraction * 100) + "%";
  }

  /** A number without needless decimals: {@code 12}, {@code 6.668}, {@code 1.2e-07}. */
  public static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) value);
    }
    double abs = Math.abs(value);
    if (abs != 0 && (abs < 1e-4 || abs >= 1e15)) {
      return String.format(Locale.ROOT, "%.4g", value);
    }
    String text = String.format(Locale.ROOT, "%.4f", value);
    text = text.replaceAll("0+$", "");
    return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
  }

  public static String epochMicros(double micros) {
    return TIMESTAMP.format(Instant.EPOCH.plusNanos((long) micros * 1000L));
  }

  /** A duration as {@code 2d 3h}, {@code 45m}, {@code 12s}. */
  public static String duration(Duration duration) {
    long seconds = Math.abs(duration.getSeconds());
    long days = seconds / 86_400;
    long hours = seconds % 86_400 / 3_600;
    long minutes = seconds % 3_600 / 60;
    String sign = duration.isNegative() ? "-" : "";
    if (days > 0) {
      return sign + days + "d" + (hours > 0 ? " " + hours + "h" : "");
    }
    if (hours > 0) {
      return sign + hours + "h" + (minutes > 0 ? " " + minutes + "m" : "");
    }
    if (minutes > 0) {
      return sign + minutes + "m";
    }
    return sign + seconds % 60 + "s";
  }
}
