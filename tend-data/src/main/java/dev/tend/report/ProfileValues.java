package dev.tend.report;

import dev.tend.checks.Formats;
import dev.tend.schema.DataType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Shows profile values: dates and timestamps (epoch microseconds) as ISO text. */
public final class ProfileValues {
  private ProfileValues() {}

  /** Temporal values as ISO text; other values unchanged. */
  public static Object temporal(DataType type, Object value) {
    if (value == null || !type.isTemporal() || !(value instanceof Number n)) {
      return value;
    }
    long micros = n.longValue();
    if (type == DataType.DATE) {
      return LocalDate.ofInstant(Instant.EPOCH.plusNanos(micros * 1000L), ZoneOffset.UTC)
          .toString();
    }
    return Formats.epochMicros(micros).replace(' ', 'T');
  }
}
