package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An Open Inference response: the model that answered, the echoed request id and the outputs, one
 * column per output tensor.
 *
 * @param modelName the model's name
 * @param modelVersion its version, absent for servers without versions
 * @param id the request's id, echoed
 * @param parameters response parameters as plain Java values
 * @param outputs the output values, one column per output tensor
 */
public record InferResponse(
    String modelName,
    Optional<String> modelVersion,
    Optional<String> id,
    Map<String, Object> parameters,
    Batch outputs) {
  public InferResponse {
    requireNonNull(modelName, "modelName is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(id, "id is null");
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    requireNonNull(outputs, "outputs is null");
  }
}
