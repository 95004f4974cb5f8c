package dev.tend.server.feedback;

import static java.util.Objects.requireNonNull;

import dev.tend.feedback.Feedback;
import dev.tend.serving.log.PredictionRecord;
import java.util.Map;
import java.util.Optional;

/**
 * A logged prediction with the feedback received for it so far.
 *
 * @param prediction the logged prediction
 * @param label its actual label or value, when one was received
 * @param outcomes its business outcomes by name
 */
public record LabelledPrediction(
    PredictionRecord prediction, Optional<Feedback> label, Map<String, Feedback> outcomes) {
  public LabelledPrediction {
    requireNonNull(prediction, "prediction is null");
    requireNonNull(label, "label is null");
    outcomes = Map.copyOf(outcomes);
  }
}
