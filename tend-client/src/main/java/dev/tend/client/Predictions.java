package dev.tend.client;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A deployment's answer to a predict call: which registered model and version answered, and one
 * prediction per row sent, in the same order.
 */
public record Predictions(String model, String version, List<Prediction> rows) {
  public Predictions {
    requireNonNull(model, "model is null");
    requireNonNull(version, "version is null");
    rows = List.copyOf(rows);
  }

  /**
   * One row's answer.
   *
   * @param id the prediction id to send feedback for
   * @param outputs the model's outputs by name (numbers as {@code Double} or {@code Long}, labels
   *     as {@code String})
   */
  public record Prediction(String id, Map<String, Object> outputs) {
    public Prediction {
      requireNonNull(id, "id is null");
      requireNonNull(outputs, "outputs is null");
    }
  }
}
