package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A decoded prediction request: the rows checked against the signature, with what the protocol
 * carried around them.
 *
 * @param shape which accepted shape the body had
 * @param id the request's id (Open Inference {@code id}), echoed in the response
 * @param inputs the rows, one column per signature input in signature order
 * @param predictionIds per row, the prediction id the client chose, if any (Tend's protocol)
 * @param parameters MLflow {@code params} or Open Inference {@code parameters}, as plain Java
 *     values (maps, lists, strings, numbers, booleans, nulls); recorded, not interpreted
 * @param requestedOutputs Open Inference {@code outputs} names; empty means all outputs
 */
public record PredictRequest(
    RequestShape shape,
    Optional<String> id,
    Batch inputs,
    List<Optional<String>> predictionIds,
    Map<String, Object> parameters,
    List<String> requestedOutputs) {
  public PredictRequest {
    requireNonNull(shape, "shape is null");
    requireNonNull(id, "id is null");
    requireNonNull(inputs, "inputs is null");
    predictionIds = List.copyOf(requireNonNull(predictionIds, "predictionIds is null"));
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    requestedOutputs = List.copyOf(requireNonNull(requestedOutputs, "requestedOutputs is null"));
    if (predictionIds.size() != inputs.rowCount()) {
      throw new IllegalArgumentException(
          predictionIds.size() + " prediction ids for " + inputs.rowCount() + " rows");
    }
  }
}
