package dev.tend.train.preprocess;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a {@link Preprocessing} to values: one float per feature, NaN for missing. Accepts the
 * values tend-data's scans produce (Long epoch microseconds for temporals) and the ones callers
 * pass at prediction time (numbers, booleans, strings, {@code java.time} values, ISO-8601 text).
 *
 * <p>Immutable after construction and safe to share between threads.
 */
public final class Encoder {
  private final Preprocessing preprocessing;
  private final int[] inputOf;
  private final List<Map<String, Integer>> codes;

  public Encoder(Preprocessing preprocessing) {
    this.preprocessing = preprocessing;
    List<Feature> features = preprocessing.features();
    inputOf = new int[features.size()];
    codes = new java.util.ArrayList<>();
    List<String> inputNames = preprocessing.inputs().stream().map(Input::name).toList();
    for (int f = 0; f < features.size(); f++) {
      Feature feature = features.get(f);
      inputOf[f] = inputNames.indexOf(feature.column());
      Map<String, Integer> map = new HashMap<>();
      codes.add(map);
      if (inputOf[f] < 0) {
        throw new IllegalArgumentException(
            "feature '" + feature.name() + "' reads column '" + feature.column() + "', no input");
      }
      if (feature instanceof Feature.Categorical c) {
        for (int k = 0; k < c.categories().size(); k++) {
          map.put(c.categories().get(k), k + 1);
        }
      }
    }
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  public int features() {
    return inputOf.length;
  }

  /**
   * Writes the features of one row into {@code out} at {@code offset}.
   *
   * @param inputs values of {@link Preprocessing#inputs()}, in order
   * @throws IllegalArgumentException naming the column whose value does not fit its type
   */
  public void encode(Object[] inputs, float[] out, int offset) {
    List<Feature> features = preprocessing.features();
    for (int f = 0; f < inputOf.length; f++) {
      Object value = inputs[inputOf[f]];
      out[offset + f] = value == null ? Float.NaN : encode(f, features.get(f), value);
    }
  }

  /** The features of one row given as a map from column name to value; absent means missing. */
  public float[] encode(Map<String, ?> row) {
    Object[] inputs = new Object[preprocessing.inputs().size()];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = row.get(preprocessing.inputs().get(i).name());
    }
    float[] out = new float[features()];
    encode(inputs, out, 0);
    return out;
  }

  private float encode(int f, Feature feature, Object value) {
    return switch (feature) {
      case Feature.Numeric n -> (float) number(n.column(), value);
      case Feature.Categorical c ->
          codes.get(f).getOrDefault(value.toString(), Feature.Categorical.OTHER);
      case Feature.DatePartOf d -> d.part().of(epochMicros(d.column(), value));
    };
  }

  private static double number(String column, Object value) {
    return switch (value) {
      case Number n -> n.doubleValue();
      case Boolean b -> b ? 1 : 0;
      case String s -> {
        try {
          yield Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "column '" + column + "' needs a number, got \"" + s + "\"");
        }
      }
      default ->
          throw new IllegalArgumentException(
              "column '" + column + "' needs a number, got " + value.getClass().getSimpleName());
    };
  }

  /** Epoch microseconds (UTC for values without an offset). */
  static long epochMicros(String column, Object value) {
    Instant instant =
        switch (value) {
          case Long micros -> null;
          case Integer micros -> null;
          case Instant i -> i;
          case LocalDateTime t -> t.toInstant(ZoneOffset.UTC);
          case LocalDate d -> d.atStartOfDay().toInstant(ZoneOffset.UTC);
          case OffsetDateTime t -> t.toInstant();
          case ZonedDateTime t -> t.toInstant();
          case String s -> parse(column, s.trim());
          default ->
              throw new IllegalArgumentException(
                  "column '"
                      + column
                      + "' needs a date or timestamp, got "
                      + value.getClass().getSimpleName());
        };
    if (instant == null) {
      return ((Number) value).longValue();
    }
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  private static Instant parse(String column, String text) {
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      String iso = text.replace(' ', 'T');
      try {
        return OffsetDateTime.parse(iso).toInstant();
      } catch (DateTimeParseException e) {
        return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
      }
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "column '"
              + column
              + "' needs a date or timestamp such as 2001-01-31 or 2001-01-31T08:15:00, got \""
              + text
              + "\"");
    }
  }
}
