package dev.tend.client;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One row to predict: the model's inputs by name, and optionally the prediction id the application
 * wants (to join feedback later). Values are {@code Boolean}, numbers, {@code String} (dates and
 * timestamps as ISO-8601 text) or {@code null} for a missing value; non-finite doubles are sent as
 * the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, which the server accepts
 * only where the model allows them.
 */
public record PredictRow(Optional<String> id, Map<String, Object> inputs) {
  public PredictRow {
    requireNonNull(id, "id is null");
    requireNonNull(inputs, "inputs is null");
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    if (id.isPresent() && id.get().isBlank()) {
      throw new IllegalArgumentException("a prediction id must not be blank");
    }
  }

  /** A row whose prediction id the client generates. */
  public static PredictRow of(Map<String, Object> inputs) {
    return new PredictRow(Optional.empty(), inputs);
  }

  /** A row with the application's own prediction id. */
  public static PredictRow withId(String id, Map<String, Object> inputs) {
    return new PredictRow(Optional.of(requireNonNull(id, "id is null")), inputs);
  }
}
