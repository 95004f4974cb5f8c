package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One step of a run as stored: its status, how many times it was started ({@code attempts}), its
 * outputs (a JSON object, {@code {}} until it succeeds), why it failed, what it used, the tracked
 * run it recorded (a train step's) and how many log lines were dropped over the per-step limit.
 */
public record StepRun(
    String runId,
    String stepId,
    int position,
    String kind,
    StepStatus status,
    int attempts,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    String outputs,
    Optional<String> reason,
    ResourceUse usage,
    Optional<String> trackingRunId,
    long droppedLogLines) {
  public StepRun {
    requireNonNull(runId, "runId is null");
    requireNonNull(stepId, "stepId is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(status, "status is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(finishedAt, "finishedAt is null");
    requireNonNull(outputs, "outputs is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(usage, "usage is null");
    requireNonNull(trackingRunId, "trackingRunId is null");
  }
}
