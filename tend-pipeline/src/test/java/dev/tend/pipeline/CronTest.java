package dev.tend.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cron expressions against next times worked out by hand with a calendar. */
class CronTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  /** After Wednesday 2025-01-15 10:07:30 UTC. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "*/15 * * * *       | 2025-01-15T10:15",
        "0 * * * *          | 2025-01-15T11:00",
        "@hourly            | 2025-01-15T11:00",
        "@DAILY             | 2025-01-16T00:00",
        "@weekly            | 2025-01-19T00:00",
        "@monthly           | 2025-02-01T00:00",
        "@yearly            | 2026-01-01T00:00",
        "10-50/10 * * * *   | 2025-01-15T10:10",
        "1,5 * * * *        | 2025-01-15T11:01",
        "5 10 * * *         | 2025-01-16T10:05",
        "0 9 * * MON-FRI    | 2025-01-16T09:00",
        "0 0 * * sat,Sun    | 2025-01-18T00:00",
        "0 0 * * 7          | 2025-01-19T00:00",
        "0 0 * * 0          | 2025-01-19T00:00",
        "0 0 * * 5-7        | 2025-01-17T00:00",
        "0 0 16 * 1         | 2025-01-16T00:00",
        "0 0 20 * 4         | 2025-01-16T00:00",
        "0 0 */2 * 1        | 2025-01-27T00:00",
        "30 2 1 jan-mar *   | 2025-02-01T02:30",
        "0 0 29 2 *         | 2028-02-29T00:00",
        "59 23 31 12 *      | 2025-12-31T23:59",
        "0 0 1 */5 *        | 2025-06-01T00:00",
        "0-5/2 12-14/2 * * *| 2025-01-15T12:00",
      })
  void nextAfterAWednesdayMorning(String cron, String expected) {
    ZonedDateTime after = ZonedDateTime.of(2025, 1, 15, 10, 7, 30, 0, ZoneOffset.UTC);
    assertThat(Cron.parse(cron).next(after))
        .contains(LocalDateTime.parse(expected).atZone(ZoneOffset.UTC));
  }

  @Test
  void impossibleDatesHaveNoNextTime() {
    ZonedDateTime after = ZonedDateTime.of(2025, 1, 15, 10, 7, 0, 0, ZoneOffset.UTC);
    assertThat(Cron.parse("0 0 30 2 *").next(after)).isEmpty();
    assertThat(Cron.parse("0 0 31 4,6,9,11 *").next(after)).isEmpty();
  }

  @Test
  void nextIsStrictlyAfterAndDropsSeconds() {
    Cron cron = Cron.parse("*/15 * * * *");
    ZonedDateTime onTheDot = ZonedDateTime.of(2025, 1, 15, 10, 15, 0, 0, ZoneOffset.UTC);
    assertThat(cron.next(onTheDot)).contains(onTheDot.plusMinutes(15));
    assertThat(cron.next(onTheDot.plusNanos(1))).contains(onTheDot.plusMinutes(15));
    assertThat(cron.next(onTheDot.minusNanos(1))).contains(onTheDot);
  }

  @Test
  void dayFieldsCombineLikeVixieCron() {
    // Both restricted: either matches. 2025-01-13 is a Monday, 2025-01-10 a Friday.
    Cron either = Cron.parse("0 0 10 * 1");
    assertThat(either.matches(LocalDateTime.parse("2025-01-13T00:00"))).isTrue();
    assertThat(either.matches(LocalDateTime.parse("2025-01-10T00:00"))).isTrue();
    assertThat(either.matches(LocalDateTime.parse("2025-01-14T00:00"))).isFalse();
    // A day field starting with '*' counts as unrestricted: both must match.
    Cron both = Cron.parse("0 0 */2 * 1");
    assertThat(both.matches(LocalDateTime.parse("2025-01-13T00:00"))).isTrue();
    assertThat(both.matches(LocalDateTime.parse("2025-01-20T00:00"))).isFalse();
    assertThat(both.matches(LocalDateTime.parse("2025-01-15T00:00"))).isFalse();
  }

  /** Paris jumps from 02:00 CET to 03:00 CEST on 2025-03-30. */
  @Test
  void timesSkippedBySpringForwardRunOnceRightAfterTheJump() {
    ZonedDateTime jump = ZonedDateTime.parse("2025-03-30T03:00+02:00[Europe/Paris]");
    Cron daily = Cron.parse("30 2 * * *");
    assertThat(daily.next(at("2025-03-30T01:00+01:00"))).contains(jump);
    assertThat(daily.next(jump)).contains(at("2025-03-31T02:30+02:00"));
    Cron everyTwenty = Cron.parse("*/20 2 * * *");
    assertThat(everyTwenty.next(at("2025-03-30T01:59+01:00"))).contains(jump);
    assertThat(everyTwenty.next(jump)).contains(at("2025-03-31T02:00+02:00"));
    assertThat(Cron.parse("0 3 * * *").next(at("2025-03-30T01:00+01:00"))).contains(jump);
  }

  /** Paris goes back from 03:00 CEST to 02:00 CET on 2025-10-26. */
  @Test
  void anHourRepeatedByFallBackRunsOnce() {
    Cron daily = Cron.parse("30 2 * * *");
    ZonedDateTime first = at("2025-10-26T02:30+02:00");
    assertThat(daily.next(at("2025-10-26T00:00+02:00"))).contains(first);
    assertThat(daily.next(first)).contains(at("2025-10-27T02:30+01:00"));
    assertThat(Cron.parse("*/30 * * * *").next(first)).contains(at("2025-10-26T03:00+01:00"));
    assertThat(Cron.parse("0 * * * *").next(at("2025-10-26T02:00+02:00")))
        .contains(at("2025-10-26T03:00+01:00"));
    // Already in the second pass: 02:45 ran in the first one.
    assertThat(Cron.parse("45 2 * * *").next(at("2025-10-26T02:10+01:00")))
        .contains(at("2025-10-27T02:45+01:00"));
  }

  private static ZonedDateTime at(String text) {
    return ZonedDateTime.parse(text + "[Europe/Paris]").withZoneSameInstant(PARIS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "0 24 * * *    | cron field 'hour': 24 is out of range 0-23",
        "60 * * * *    | cron field 'minute': 60 is out of range 0-59",
        "* * 0 * *     | cron field 'day-of-month': 0 is out of range 1-31",
        "* * * 13 *    | cron field 'month': 13 is out of range 1-12",
        "* * * * 8     | cron field 'day-of-week': 8 is out of range 0-7",
        "* * * FOO *   | cron field 'month': value 'FOO' is not a number or a month name (JAN-DEC)",
        "* * * * MONDAY| cron field 'day-of-week': value 'MONDAY' is not a number or a day name"
            + " (SUN-SAT)",
        "x * * * *     | cron field 'minute': value 'x' is not a number",
        "5-1 * * * *   | cron field 'minute': range 5-1 runs backwards",
        "*/0 * * * *   | cron field 'minute': step 0 must be from 1 to 59",
        "*/a * * * *   | cron field 'minute': step 'a' is not a number",
        "5/10 * * * *  | cron field 'minute': a step needs a range or '*' before it, such as */10"
            + " or 5-59/10",
        "1,,2 * * * *  | cron field 'minute' has an empty item in '1,,2'",
        "* * * *       | a cron expression has 5 fields (minute hour day-of-month month"
            + " day-of-week), found 4",
        "* * * * * *   | a cron expression has 5 fields (minute hour day-of-month month"
            + " day-of-week), found 6",
        "@reboot       | unknown cron macro '@reboot'; use @hourly, @daily, @weekly, @monthly or"
            + " @yearly",
      })
  void badExpressionsNameTheField(String cron, String message) {
    assertThatThrownBy(() -> Cron.parse(cron))
        .isInstanceOf(PipelineException.class)
        .hasMessage(message);
  }

  @Test
  void emptyExpressionHasNoFields() {
    assertThatThrownBy(() -> Cron.parse(" "))
        .hasMessage(
            "a cron expression has 5 fields (minute hour day-of-month month day-of-week), found 0");
    assertThat(Optional.of(Cron.parse(" 0 0 * * * ").text())).contains("0 0 * * *");
  }
}
