package dev.tend.train.preprocess;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** A part of a date or timestamp used as a numeric feature. Timestamps are read as UTC. */
public enum DatePart {
  /** 0-23. */
  HOUR,
  /** ISO day of week, 1 = Monday to 7 = Sunday. */
  WEEKDAY,
  /** 1-12. */
  MONTH,
  /** 1-31. */
  DAY_OF_MONTH;

  /** The part of an instant given in epoch microseconds. */
  public int of(long epochMicros) {
    LocalDateTime t =
        LocalDateTime.ofInstant(
            Instant.ofEpochSecond(
                Math.floorDiv(epochMicros, 1_000_000L),
                Math.floorMod(epochMicros, 1_000_000L) * 1000),
            ZoneOffset.UTC);
    return switch (this) {
      case HOUR -> t.getHour();
      case WEEKDAY -> t.getDayOfWeek().getValue();
      case MONTH -> t.getMonthValue();
      case DAY_OF_MONTH -> t.getDayOfMonth();
    };
  }
}
