package dev.tend.client;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What actually happened after a prediction: its true label or value ({@code name} {@code label}),
 * or a named business outcome such as {@code conversion} (a boolean) or {@code revenue} (a number),
 * with the time it happened. Sending the same feedback again changes nothing; a different value for
 * the same prediction and name is refused unless it is a {@link #replacing() correction}.
 *
 * @param value a {@code Boolean}, {@code Number} or {@code String}
 * @param timestamp when it happened; the server's default is the time it arrives, and a retry
 *     without one still matches what the first attempt stored
 */
public record Feedback(
    String predictionId, String name, Object value, Optional<Instant> timestamp, boolean replace) {
  /** The name of the true label or value of a prediction. */
  public static final String LABEL = "label";

  public Feedback {
    requireNonNull(predictionId, "predictionId is null");
    requireNonNull(name, "name is null");
    requireNonNull(value, "value is null");
    requireNonNull(timestamp, "timestamp is null");
    if (!(value instanceof Boolean || value instanceof Number || value instanceof String)) {
      throw new IllegalArgumentException(
          "a feedback value is a boolean, number or string, not " + value.getClass().getName());
    }
  }

  /** The true label or value of a prediction. */
  public static Feedback label(String predictionId, Object value) {
    return new Feedback(predictionId, LABEL, value, Optional.empty(), false);
  }

  /** A business outcome of a prediction, such as {@code conversion} or {@code revenue}. */
  public static Feedback outcome(String predictionId, String name, Object value) {
    return new Feedback(predictionId, name, value, Optional.empty(), false);
  }

  /** This feedback, which happened at {@code time}. */
  public Feedback at(Instant time) {
    return new Feedback(predictionId, name, value, Optional.of(time), replace);
  }

  /** This feedback as a correction of a different value sent before. */
  public Feedback replacing() {
    return new Feedback(predictionId, name, value, timestamp, true);
  }

  /**
   * What the server did with one feedback item.
   *
   * @param result {@code created}, {@code unchanged} (sent before) or {@code replaced}
   */
  public record Receipt(String predictionId, String name, String result) {
    public Receipt {
      requireNonNull(predictionId, "predictionId is null");
      requireNonNull(name, "name is null");
      requireNonNull(result, "result is null");
    }
  }
}
