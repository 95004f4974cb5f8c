package dev.tend.pipeline.command;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What {@code params.json} tells a command step: the pipeline, run and step it belongs to, the
 * attempt (1 for the first), the seed when the step has one, and the pipeline's parameter values
 * (strings, finite numbers or booleans, in the order given).
 */
public record CommandParams(
    String pipeline,
    String runId,
    String stepId,
    int attempt,
    OptionalLong seed,
    Map<String, Object> params) {
  public CommandParams {
    requireNonNull(pipeline, "pipeline is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(stepId, "stepId is null");
    requireNonNull(seed, "seed is null");
    requireNonNull(params, "params is null");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be 1 or more, not " + attempt);
    }
    for (Map.Entry<String, Object> param : params.entrySet()) {
      JsonValues.checkScalar(param.getValue(), "param '" + param.getKey() + "'");
    }
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }
}
