package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** A run's metadata: where it belongs, who ran it, its state and times (epoch milliseconds). */
public record RunInfo(
    String runId,
    long experimentId,
    String runName,
    Optional<String> userId,
    RunStatus status,
    long startTime,
    Optional<Long> endTime,
    LifecycleStage lifecycleStage,
    String artifactUri) {
  public RunInfo {
    requireNonNull(runId, "runId is null");
    requireNonNull(runName, "runName is null");
    requireNonNull(userId, "userId is null");
    requireNonNull(status, "status is null");
    requireNonNull(endTime, "endTime is null");
    requireNonNull(lifecycleStage, "lifecycleStage is null");
    requireNonNull(artifactUri, "artifactUri is null");
  }
}
