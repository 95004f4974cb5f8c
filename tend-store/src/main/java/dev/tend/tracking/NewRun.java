package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** What a client gives to start a run; absent fields get MLflow's defaults. */
public record NewRun(
    long experimentId,
    Optional<String> runName,
    Optional<String> userId,
    Optional<Long> startTime,
    List<KeyValue> tags) {
  public NewRun {
    requireNonNull(runName, "runName is null");
    requireNonNull(userId, "userId is null");
    requireNonNull(startTime, "startTime is null");
    tags = List.copyOf(tags);
  }
}
