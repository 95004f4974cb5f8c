package dev.tend.report;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.TemporalAccessor;
import java.util.UUID;

/** Turns engine values into plain JSON-friendly values and display text. */
final class Values {
  private Values() {}

  static Object plain(Object value) {
    return switch (value) {
      case null -> null;
      case Boolean b -> b;
      case Integer i -> i.longValue();
      case Long l -> l;
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case Float f -> Float.isFinite(f) ? f.doubleValue() : f.toString();
      case Double d -> Double.isFinite(d) ? d : d.toString();
      case BigDecimal d -> d;
      case Timestamp t -> t.toLocalDateTime().toString();
      case LocalDateTime t -> t.toString();
      case LocalDate d -> d.toString();
      case OffsetDateTime t -> t.toString();
      case TemporalAccessor t -> t.toString();
      case UUID u -> u.toString();
      default -> value.toString();
    };
  }

  static String text(Object value) {
    Object plain = plain(value);
    return plain == null ? "null" : plain.toString();
  }
}
