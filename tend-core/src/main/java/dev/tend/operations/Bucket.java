package dev.tend.operations;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/** The width of the periods figures are given per: a UTC day, or an ISO week from Monday UTC. */
public enum Bucket {
  DAY,
  WEEK;

  /** The name used in requests and responses: {@code day} or {@code week}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The bucket named {@code text}. */
  public static Bucket fromWireName(String text) {
    for (Bucket bucket : values()) {
      if (bucket.wireName().equals(text)) {
        return bucket;
      }
    }
    throw new IllegalArgumentException("bucket must be day or week, got '" + text + "'");
  }

  /** The start of the bucket holding {@code instant}. */
  public Instant floor(Instant instant) {
    LocalDate day = instant.atOffset(ZoneOffset.UTC).toLocalDate();
    if (this == WEEK) {
      day = day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }
    return day.atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** The start of the bucket after the one starting at {@code start}. */
  public Instant next(Instant start) {
    return start.plus(this == DAY ? 1 : 7, ChronoUnit.DAYS);
  }
}
