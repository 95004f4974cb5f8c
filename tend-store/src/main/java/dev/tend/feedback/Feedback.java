package dev.tend.feedback;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.OptionalDouble;
import java.util.regex.Pattern;

/**
 * One stored feedback value: the label or a named outcome of one prediction.
 *
 * @param predictionId the prediction's id in the prediction log
 * @param name {@link #LABEL} or an outcome's name (see {@link #requireValidName})
 * @param value the value as compact JSON text: a number, string or boolean
 * @param number the value when it is a number
 * @param occurredAt when the event happened, as the sender says
 * @param receivedAt when Tend stored this value
 * @param receivedBy who sent it
 * @param deployment the deployment that logged the prediction
 * @param projectId the project that deployment belongs to
 * @param corrections how many times the value was replaced
 */
public record Feedback(
    String predictionId,
    String name,
    String value,
    OptionalDouble number,
    Instant occurredAt,
    Instant receivedAt,
    String receivedBy,
    String deployment,
    String projectId,
    int corrections) {

  /** The reserved name of a prediction's actual label or value. */
  public static final String LABEL = "label";

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

  public Feedback {
    requireNonNull(predictionId, "predictionId is null");
    requireValidName(name);
    requireNonNull(value, "value is null");
    requireNonNull(number, "number is null");
    requireNonNull(occurredAt, "occurredAt is null");
    requireNonNull(receivedAt, "receivedAt is null");
    requireNonNull(receivedBy, "receivedBy is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(projectId, "projectId is null");
  }

  public FeedbackKind kind() {
    return FeedbackKind.of(name);
  }

  /**
   * Returns {@code name} when it is 1 to 64 characters of lower-case letters, digits, {@code _},
   * {@code .} or {@code -} starting with a letter, such as {@code label}, {@code conversion} or
   * {@code revenue}; otherwise throws {@link IllegalArgumentException}.
   */
  public static String requireValidName(String name) {
    requireNonNull(name, "name is null");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a feedback name must be 1 to 64 lower-case letters, digits, '_', '.' or '-' starting"
              + " with a letter, such as 'label', 'conversion' or 'revenue': '"
              + (name.length() > 70 ? name.substring(0, 70) + "..." : name)
              + "'");
    }
    return name;
  }
}
