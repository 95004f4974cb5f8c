package dev.tend.server.ui;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/** How the UI writes times, durations and figures; a missing figure is written {@code –}. */
public final class Formats {
  public static final String NONE = "–";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Formats() {}

  public static String time(Instant instant) {
    return instant == null ? NONE : TIME.format(instant);
  }

  public static String time(Optional<Instant> instant) {
    return instant.map(Formats::time).orElse(NONE);
  }

  /** {@code 2 h 5 min}, {@code 14.2 s}, {@code 850 ms}. */
  public static String duration(Duration duration) {
    if (duration == null) {
      return NONE;
    }
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long minutes = duration.toMinutes();
    if (minutes < 60) {
      return minutes + " min " + duration.toSecondsPart() + " s";
    }
    long hours = duration.toHours();
    if (hours < 48) {
      return hours + " h " + duration.toMinutesPart() + " min";
    }
    return duration.toDays() + " d " + duration.toHoursPart() + " h";
  }

  /** {@code value} with {@code digits} decimals, or {@code –} when it is null, NaN or infinite. */
  public static String number(Double value, int digits) {
    if (value == null || value.isNaN() || value.isInfinite()) {
      return NONE;
    }
    return String.format(Locale.ROOT, "%." + digits + "f", value);
  }

  /**
   * {@code value} rounded to {@code digits} significant digits without trailing zeros or an
   * exponent: {@code 0.20832658} is {@code 0.2083}, {@code -9.7584E-4} is {@code -0.0009758},
   * {@code 5.0} is {@code 5}; {@code –} when NaN or infinite.
   */
  public static String significant(double value, int digits) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return NONE;
    }
    return new BigDecimal(value)
        .round(new MathContext(digits, RoundingMode.HALF_EVEN))
        .stripTrailingZeros()
        .toPlainString();
  }

  public static String number(OptionalDouble value, int digits) {
    return value.isPresent() ? number(value.getAsDouble(), digits) : NONE;
  }

  /** A whole count with thousands separators: {@code 365,735}. */
  public static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** A share as a percentage: {@code 0.0274} is {@code 2.7%}. */
  public static String percent(Double share) {
    if (share == null || share.isNaN() || share.isInfinite()) {
      return NONE;
    }
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
