package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A pipeline run as stored. {@code notBefore} is when a queued run may next be claimed (later than
 * its creation while it waits out a retry's back-off); {@code leaseOwner} and {@code
 * leaseExpiresAt} name the process executing it, if any; {@code trackingRunId} is the MLflow-style
 * run that records it.
 */
public record PipelineRun(
    String id,
    String projectId,
    String pipelineName,
    OptionalInt definitionVersion,
    String yaml,
    Map<String, String> files,
    Map<String, String> params,
    RunTrigger trigger,
    Optional<String> codeVersion,
    PipelineRunStatus status,
    Optional<String> reason,
    boolean cancelRequested,
    Instant createdAt,
    String createdBy,
    Instant notBefore,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<String> leaseOwner,
    Optional<Instant> leaseExpiresAt,
    Optional<String> trackingRunId) {
  public PipelineRun {
    requireNonNull(id, "id is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(pipelineName, "pipelineName is null");
    requireNonNull(definitionVersion, "definitionVersion is null");
    requireNonNull(yaml, "yaml is null");
    files = Map.copyOf(files);
    params = Map.copyOf(params);
    requireNonNull(trigger, "trigger is null");
    requireNonNull(codeVersion, "codeVersion is null");
    requireNonNull(status, "status is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
    requireNonNull(notBefore, "notBefore is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(finishedAt, "finishedAt is null");
    requireNonNull(leaseOwner, "leaseOwner is null");
    requireNonNull(leaseExpiresAt, "leaseExpiresAt is null");
    requireNonNull(trackingRunId, "trackingRunId is null");
  }
}
