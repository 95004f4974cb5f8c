package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.SourceLocation;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as pipeline files write them: whole numbers with a unit, largest unit first, such as
 * {@code 90s}, {@code 15m}, {@code 2h}, {@code 1d} or {@code 1h30m}. Values must be more than zero
 * and at most {@link #MAX}.
 */
public final class Durations {
  /** The longest duration a pipeline may ask for. */
  public static final Duration MAX = Duration.ofDays(7);

  private static final Pattern DURATION =
      Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");
  private static final String EXAMPLES = "such as 90s, 15m, 2h, 1d or 1h30m";

  private Durations() {}

  /**
   * Parses a duration. Errors are {@link PipelineException}s with an unknown location, for the
   * caller to place.
   */
  public static Duration parse(String text) {
    requireNonNull(text, "text is null");
    String trimmed = text.trim();
    Matcher matcher = DURATION.matcher(trimmed);
    if (trimmed.isEmpty() || !matcher.matches()) {
      String hint =
          trimmed.matches("\\d+")
              ? "' needs a unit (s, m, h or d), "
              : "' must be a whole number with a unit (s, m, h or d), ";
      throw error("duration '" + trimmed + hint + EXAMPLES);
    }
    Duration total = Duration.ZERO;
    long[] seconds = {86_400, 3_600, 60, 1};
    for (int group = 1; group <= 4; group++) {
      String digits = matcher.group(group);
      if (digits != null) {
        if (digits.length() > 9) {
          throw error("duration '" + trimmed + "' must be at most " + format(MAX));
        }
        total = total.plusSeconds(Long.parseLong(digits) * seconds[group - 1]);
      }
    }
    if (total.isZero()) {
      throw error("duration '" + trimmed + "' must be more than 0");
    }
    if (total.compareTo(MAX) > 0) {
      throw error("duration '" + trimmed + "' must be at most " + format(MAX));
    }
    return total;
  }

  /** The shortest spelling {@link #parse} reads back, such as {@code 1h30m}. */
  public static String format(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds <= 0) {
      return duration.isZero() ? "0s" : duration.toString();
    }
    StringBuilder text = new StringBuilder();
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (seconds >= sizes[i]) {
        text.append(seconds / sizes[i]).append(units[i]);
        seconds %= sizes[i];
      }
    }
    return text.toString();
  }

  private static PipelineException error(String message) {
    return new PipelineException(SourceLocation.UNKNOWN, message);
  }
}
