package dev.tend.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random cron expressions, built together with the value sets they stand for, against a brute-force
 * reference that walks instants minute by minute: {@link Cron#next} must find the same first run,
 * strictly later, and {@link Cron#matches} must agree with the sets.
 */
class CronPropertyTest {
  private static final Duration SCAN = Duration.ofDays(40);
  private static final List<String> MONTHS =
      List.of("jan", "Feb", "MAR", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final List<String> DAYS = List.of("sun", "Mon", "TUE", "wed", "thu", "fri", "sat");

  /** One field: its text and the values it stands for. */
  private record Field(String text, Set<Integer> values) {
    boolean star() {
      return text.startsWith("*");
    }
  }

  /** An expression with its fields, and a reference matcher that does not use {@link Cron}. */
  private record Expression(List<Field> fields) {
    String text() {
      return String.join(" ", fields.stream().map(Field::text).toList());
    }

    boolean matches(LocalDateTime t) {
      Field dom = fields.get(2);
      Field dow = fields.get(4);
      boolean dayOfMonth = dom.values().contains(t.getDayOfMonth());
      int weekday = t.getDayOfWeek().getValue() % 7;
      boolean dayOfWeek =
          dow.values().contains(weekday) || (weekday == 0 && dow.values().contains(7));
      boolean day = dom.star() || dow.star() ? dayOfMonth && dayOfWeek : dayOfMonth || dayOfWeek;
      return fields.get(0).values().contains(t.getMinute())
          && fields.get(1).values().contains(t.getHour())
          && fields.get(3).values().contains(t.getMonthValue())
          && day;
    }
  }

  private static Field field(Random random, int min, int max, List<String> names, int starOdds) {
    int top = names == DAYS ? 6 : max;
    if (random.nextInt(100) < starOdds) {
      return new Field("*", range(min, top, 1));
    }
    int kind = random.nextInt(5);
    int a = min + random.nextInt(max - min + 1);
    int b = a + random.nextInt(max - a + 1);
    int step = 1 + random.nextInt(Math.max(1, (max - min) / 2));
    return switch (kind) {
      case 0 -> new Field("*/" + step, range(min, top, step));
      case 1 -> new Field(name(random, a, names) + "-" + name(random, b, names), range(a, b, 1));
      case 2 -> new Field(a + "-" + b + "/" + step, range(a, b, step));
      case 3 -> {
        Set<Integer> values = new TreeSet<>();
        List<String> parts = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
          int v = min + random.nextInt(max - min + 1);
          values.add(v);
          parts.add(name(random, v, names));
        }
        yield new Field(String.join(",", parts), values);
      }
      default -> new Field(name(random, a, names), Set.of(a));
    };
  }

  /** Hours that include 2 a.m., the hour Paris skips or repeats. */
  private static Field aroundTwo(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> new Field("2", Set.of(2));
      case 1 -> new Field("1-2", Set.of(1, 2));
      default -> new Field("2,3", Set.of(2, 3));
    };
  }

  private static String name(Random random, int value, List<String> names) {
    if (names.isEmpty() || random.nextBoolean()) {
      return Integer.toString(value);
    }
    if (names == DAYS) {
      return value == 7 ? "7" : names.get(value);
    }
    return names.get(value - 1);
  }

  private static Set<Integer> range(int from, int to, int step) {
    Set<Integer> values = new TreeSet<>();
    for (int v = from; v <= to; v += step) {
      values.add(v);
    }
    return values;
  }

  private static Expression expression(Random random) {
    return new Expression(
        List.of(
            field(random, 0, 59, List.of(), 20),
            random.nextInt(4) == 0 ? aroundTwo(random) : field(random, 0, 23, List.of(), 30),
            field(random, 1, 31, List.of(), 60),
            field(random, 1, 12, MONTHS, 75),
            field(random, 0, 7, DAYS, 50)));
  }

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of(ZoneId.of("UTC"), ZoneId.of("Europe/Paris"));
  }

  /**
   * Half the starts fall in the hours before a Paris DST change, the rest anywhere in 2024-2026.
   */
  private static Instant start(Random random) {
    if (random.nextBoolean()) {
      List<String> changes =
          List.of(
              "2024-03-31T01:00:00Z",
              "2024-10-27T01:00:00Z",
              "2025-03-30T01:00:00Z",
              "2025-10-26T01:00:00Z",
              "2026-03-29T01:00:00Z",
              "2026-10-25T01:00:00Z");
      Instant change = Instant.parse(changes.get(random.nextInt(changes.size())));
      return change.plusSeconds(random.nextInt(9 * 3600) - 6 * 3600L);
    }
    return Instant.parse("2024-01-01T00:00:00Z").plusSeconds(random.nextLong(3 * 365 * 86_400L));
  }

  @Property(tries = 1000)
  void nextAgreesWithAMinuteByMinuteScan(@ForAll long seed, @ForAll("zones") ZoneId zone) {
    Random random = new Random(seed);
    Expression expression = expression(random);
    Cron cron = Cron.parse(expression.text());
    ZonedDateTime after = start(random).atZone(zone);
    Optional<Instant> expected = scan(expression, after.toInstant(), zone);
    Optional<ZonedDateTime> next = cron.next(after);
    if (expected.isPresent()) {
      assertThat(next).as(expression.text() + " after " + after).isPresent();
      assertThat(next.get().toInstant())
          .as(expression.text() + " after " + after)
          .isEqualTo(expected.get());
    } else if (next.isPresent()) {
      assertThat(next.get().toInstant()).isAfter(after.toInstant().plus(SCAN));
    }
    next.ifPresent(
        run -> {
          assertThat(run).isAfter(after);
          assertThat(run.getZone()).isEqualTo(zone);
          assertThat(run.getSecond()).isZero();
          assertThat(run.getNano()).isZero();
        });
  }

  @Property(tries = 300)
  void matchesAgreesWithTheFieldSets(@ForAll long seed) {
    Random random = new Random(seed);
    Expression expression = expression(random);
    Cron cron = Cron.parse(expression.text().toUpperCase(Locale.ROOT));
    LocalDateTime time = LocalDateTime.of(2024, 1, 1, 0, 0);
    for (int i = 0; i < 200; i++) {
      LocalDateTime t = time.plusMinutes(random.nextInt(3 * 366 * 1440));
      assertThat(cron.matches(t))
          .as(expression.text() + " at " + t)
          .isEqualTo(expression.matches(t));
    }
  }

  /**
   * The first whole-minute instant after {@code after} at which the schedule runs: one whose wall
   * clock matches and that is the first occurrence of that wall-clock time, or the end of a DST gap
   * that swallowed a matching wall-clock minute.
   */
  private static Optional<Instant> scan(Expression expression, Instant after, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    Instant t = after.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    Instant end = after.plus(SCAN);
    for (; !t.isAfter(end); t = t.plus(1, ChronoUnit.MINUTES)) {
      LocalDateTime local = LocalDateTime.ofInstant(t, zone);
      if (expression.matches(local) && isFirstPass(rules, t)) {
        return Optional.of(t);
      }
      ZoneOffsetTransition transition = rules.previousTransition(t.plusNanos(1));
      if (transition != null && transition.getInstant().equals(t) && transition.isGap()) {
        for (LocalDateTime skipped = transition.getDateTimeBefore();
            skipped.isBefore(transition.getDateTimeAfter());
            skipped = skipped.plusMinutes(1)) {
          if (expression.matches(skipped)) {
            return Optional.of(t);
          }
        }
      }
    }
    return Optional.empty();
  }

  /** Whether no earlier instant showed the same wall-clock time as {@code t}. */
  private static boolean isFirstPass(ZoneRules rules, Instant t) {
    ZoneOffsetTransition last = rules.previousTransition(t.plusNanos(1));
    if (last == null || !last.isOverlap()) {
      return true;
    }
    // After a jump back by d, the wall clock repeats itself during [jump, jump + d).
    return !t.isBefore(last.getInstant().plus(last.getDuration().abs()));
  }
}
