package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.SourceLocation;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A cron schedule in the five-field form {@code minute hour day-of-month month day-of-week}, with
 * {@code *}, lists ({@code 1,5}), ranges ({@code 1-5}), steps ({@code *}{@code /15}, {@code
 * 10-50/10}), month names {@code JAN}-{@code DEC}, day names {@code SUN}-{@code SAT} (any case),
 * day-of-week 0-7 (0 and 7 are Sunday), and the macros {@code @hourly @daily @midnight @weekly
 * @monthly @yearly @annually}.
 *
 * <p>Days follow Vixie cron (and cronie): when both day fields are restricted, a day matches if
 * either does; a day field that starts with {@code *} (also {@code *}{@code /2}) counts as
 * unrestricted, so then both must match.
 *
 * <p>Times are wall-clock times in the zone of the instant passed to {@link #next}. Around
 * daylight-saving changes: a time skipped by a jump forward runs once, right after the jump (all
 * skipped times together make one run); a time repeated by a jump back runs once, in its first
 * occurrence. Immutable and thread-safe.
 */
public final class Cron {
  /** How far {@link #next} looks before concluding that no time matches. */
  public static final int HORIZON_YEARS = 5;

  private static final Map<String, String> MACROS =
      Map.of(
          "@hourly", "0 * * * *",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@weekly", "0 0 * * 0",
          "@monthly", "0 0 1 * *",
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *");

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean dayOfMonthStar;
  private final boolean dayOfWeekStar;

  private Cron(String text, String[] fields) {
    this.text = text;
    this.minutes = field("minute", fields[0], 0, 59, List.of());
    this.hours = field("hour", fields[1], 0, 23, List.of());
    this.daysOfMonth = field("day-of-month", fields[2], 1, 31, List.of());
    this.months = field("month", fields[3], 1, 12, MONTHS);
    BitSet weekdays = field("day-of-week", fields[4], 0, 7, DAYS);
    if (weekdays.get(7)) {
      weekdays.set(0);
      weekdays.clear(7);
    }
    this.daysOfWeek = weekdays;
    this.dayOfMonthStar = fields[2].startsWith("*");
    this.dayOfWeekStar = fields[4].startsWith("*");
  }

  /**
   * Parses a cron expression. Errors are {@link PipelineException}s with an unknown location whose
   * message names the field, for the caller to place.
   */
  public static Cron parse(String text) {
    requireNonNull(text, "text is null");
    String trimmed = text.trim();
    if (trimmed.startsWith("@")) {
      String expansion = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
      if (expansion == null) {
        throw error(
            "unknown cron macro '"
                + trimmed
                + "'; use @hourly, @daily, @weekly, @monthly or @yearly");
      }
      return new Cron(trimmed, expansion.split(" "));
    }
    String[] fields = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    if (fields.length != 5) {
      throw error(
          "a cron expression has 5 fields (minute hour day-of-month month day-of-week), found "
              + fields.length);
    }
    return new Cron(trimmed, fields);
  }

  /** The expression as written (trimmed). */
  public String text() {
    return text;
  }

  /** Whether the wall-clock minute {@code time} (seconds ignored) is on the schedule. */
  public boolean matches(LocalDateTime time) {
    return minutes.get(time.getMinute())
        && hours.get(time.getHour())
        && months.get(time.getMonthValue())
        && dayMatches(time.toLocalDate());
  }

  private boolean dayMatches(LocalDate date) {
    boolean dayOfMonth = daysOfMonth.get(date.getDayOfMonth());
    boolean dayOfWeek = daysOfWeek.get(date.getDayOfWeek().getValue() % 7);
    return dayOfMonthStar || dayOfWeekStar ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
  }

  /**
   * The first run strictly after {@code after}, at a whole minute in {@code after}'s zone; empty
   * when nothing matches within {@value #HORIZON_YEARS} years (such as {@code 0 0 30 2 *}).
   */
  public Optional<ZonedDateTime> next(ZonedDateTime after) {
    requireNonNull(after, "after is null");
    ZoneId zone = after.getZone();
    LocalDateTime limit = after.toLocalDateTime().plusYears(HORIZON_YEARS);
    // Scan wall-clock minutes upward. The run instant of a wall-clock minute never decreases as
    // the minute increases (gaps map to the jump, overlaps to their first occurrence), and the
    // run instant of after's own minute is not after it, so the first later run is the answer.
    LocalDateTime time = after.toLocalDateTime().truncatedTo(ChronoUnit.MINUTES);
    while (!time.isAfter(limit)) {
      if (!months.get(time.getMonthValue())) {
        time = time.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
      } else if (!dayMatches(time.toLocalDate())) {
        time = time.toLocalDate().plusDays(1).atStartOfDay();
      } else if (!hours.get(time.getHour())) {
        time = time.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(time.getMinute())) {
        time = time.plusMinutes(1);
      } else {
        ZonedDateTime run = runAt(time, zone);
        if (run.isAfter(after)) {
          return Optional.of(run);
        }
        time = time.plusMinutes(1);
      }
    }
    return Optional.empty();
  }

  /** When a wall-clock minute runs: itself, its first occurrence, or the end of its DST gap. */
  private static ZonedDateTime runAt(LocalDateTime time, ZoneId zone) {
    ZoneOffsetTransition gap = zone.getRules().getTransition(time);
    if (gap != null && gap.isGap()) {
      return ZonedDateTime.ofInstant(gap.getInstant(), zone);
    }
    return ZonedDateTime.of(time, zone).withEarlierOffsetAtOverlap();
  }

  private static BitSet field(String name, String text, int min, int max, List<String> names) {
    BitSet values = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      if (part.isEmpty()) {
        throw error("cron field '" + name + "' has an empty item in '" + text + "'");
      }
      int slash = part.indexOf('/');
      String range = slash < 0 ? part : part.substring(0, slash);
      int step = 1;
      if (slash >= 0) {
        step = number(name, part.substring(slash + 1), "step");
        if (step < 1 || step > max) {
          throw error("cron field '" + name + "': step " + step + " must be from 1 to " + max);
        }
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = name.equals("day-of-week") ? 6 : max;
      } else {
        int dash = range.indexOf('-', 1);
        from = value(name, dash < 0 ? range : range.substring(0, dash), min, max, names);
        if (dash < 0) {
          if (slash >= 0) {
            throw error(
                "cron field '"
                    + name
                    + "': a step needs a range or '*' before it, such as */"
                    + step
                    + " or "
                    + from
                    + "-"
                    + max
                    + "/"
                    + step);
          }
          to = from;
        } else {
          to = value(name, range.substring(dash + 1), min, max, names);
          if (to < from) {
            throw error("cron field '" + name + "': range " + range + " runs backwards");
          }
        }
      }
      for (int v = from; v <= to; v += step) {
        values.set(v);
      }
    }
    return values;
  }

  private static int value(String field, String text, int min, int max, List<String> names) {
    int index = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (index >= 0) {
      return index + (names == MONTHS ? 1 : 0);
    }
    int value = number(field, text, "value");
    if (value < min || value > max) {
      throw error("cron field '" + field + "': " + value + " is out of range " + min + "-" + max);
    }
    return value;
  }

  private static int number(String field, String text, String what) {
    if (!text.matches("\\d{1,4}")) {
      String expected =
          switch (field) {
            case "month" -> "a number or a month name (JAN-DEC)";
            case "day-of-week" -> "a number or a day name (SUN-SAT)";
            default -> "a number";
          };
      throw error(
          "cron field '"
              + field
              + "': "
              + what
              + " '"
              + text
              + "' is not "
              + (what.equals("step") ? "a number" : expected));
    }
    return Integer.parseInt(text);
  }

  private static PipelineException error(String message) {
    return new PipelineException(SourceLocation.UNKNOWN, message);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cron cron && cron.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
