package dev.tend.feedback;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A feedback value to store.
 *
 * @param predictionId the prediction's id, 1 to 128 characters
 * @param name {@link Feedback#LABEL} or an outcome's name
 * @param value the value as compact JSON text, at most {@link #MAX_VALUE_CHARS} characters; the
 *     same value must always be sent as the same text, as it is compared as text
 * @param number the value when it is a number
 * @param occurredAt when the event happened; empty for "when it is stored", which also matches any
 *     stored time, so a retry without a time stays idempotent
 * @param deployment the deployment that logged the prediction
 * @param projectId that deployment's project
 * @param replace whether a different stored value may be replaced (a correction)
 */
public record NewFeedback(
    String predictionId,
    String name,
    String value,
    OptionalDouble number,
    Optional<Instant> occurredAt,
    String deployment,
    String projectId,
    boolean replace) {

  /** The longest value text kept. */
  public static final int MAX_VALUE_CHARS = 4_000;

  public NewFeedback {
    requireNonNull(predictionId, "predictionId is null");
    if (predictionId.isEmpty() || predictionId.length() > 128) {
      throw new IllegalArgumentException("predictionId must be 1 to 128 characters");
    }
    Feedback.requireValidName(name);
    requireNonNull(value, "value is null");
    if (value.isEmpty() || value.length() > MAX_VALUE_CHARS) {
      throw new IllegalArgumentException(
          "a feedback value must be 1 to " + MAX_VALUE_CHARS + " characters of JSON");
    }
    requireNonNull(number, "number is null");
    requireNonNull(occurredAt, "occurredAt is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(projectId, "projectId is null");
  }
}
