package dev.tend.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A prediction made by a model served outside Tend, to log so that feedback and monitoring can use
 * it: the deployment name the application logs under, the model and version that answered, what it
 * saw and what it answered.
 *
 * @param predictionId the application's id; the client generates one when empty
 * @param environment such as {@code prod}; the server's default is {@code external}
 * @param outputs the answer: a map of outputs, or a bare number, string or boolean
 * @param timestamp when it was answered; the server's default is the time it arrives
 * @param latency how long answering took; the server's default is zero
 */
public record ExternalPrediction(
    Optional<String> predictionId,
    String deployment,
    Optional<String> environment,
    String model,
    String modelVersion,
    Map<String, Object> inputs,
    Object outputs,
    Optional<Instant> timestamp,
    Optional<Duration> latency) {
  public ExternalPrediction {
    requireNonNull(predictionId, "predictionId is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(model, "model is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(inputs, "inputs is null");
    requireNonNull(outputs, "outputs is null");
    requireNonNull(timestamp, "timestamp is null");
    requireNonNull(latency, "latency is null");
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    if (latency.isPresent() && latency.get().isNegative()) {
      throw new IllegalArgumentException("latency must not be negative: " + latency.get());
    }
  }

  /** A prediction with the defaults: a generated id, environment, time and no latency. */
  public static ExternalPrediction of(
      String deployment,
      String model,
      String modelVersion,
      Map<String, Object> inputs,
      Object outputs) {
    return new ExternalPrediction(
        Optional.empty(),
        deployment,
        Optional.empty(),
        model,
        modelVersion,
        inputs,
        outputs,
        Optional.empty(),
        Optional.empty());
  }

  /** This prediction with the application's own id. */
  public ExternalPrediction withId(String id) {
    return new ExternalPrediction(
        Optional.of(id),
        deployment,
        environment,
        model,
        modelVersion,
        inputs,
        outputs,
        timestamp,
        latency);
  }

  /** This prediction logged under {@code environment}. */
  public ExternalPrediction inEnvironment(String environment) {
    return new ExternalPrediction(
        predictionId,
        deployment,
        Optional.of(environment),
        model,
        modelVersion,
        inputs,
        outputs,
        timestamp,
        latency);
  }

  /** This prediction answered at {@code time}, taking {@code latency}. */
  public ExternalPrediction answeredAt(Instant time, Duration latency) {
    return new ExternalPrediction(
        predictionId,
        deployment,
        environment,
        model,
        modelVersion,
        inputs,
        outputs,
        Optional.of(time),
        Optional.of(latency));
  }
}
