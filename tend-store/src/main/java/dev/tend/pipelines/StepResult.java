package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** How a step ended: its final status, outputs (a JSON object), reason, use and tracked run. */
public record StepResult(
    StepStatus status,
    String outputs,
    Optional<String> reason,
    ResourceUse usage,
    Optional<String> trackingRunId) {
  public StepResult {
    requireNonNull(status, "status is null");
    if (!status.isFinished() || status == StepStatus.SKIPPED) {
      throw new IllegalArgumentException("a step result must be SUCCEEDED, FAILED or CANCELLED");
    }
    requireNonNull(outputs, "outputs is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(usage, "usage is null");
    requireNonNull(trackingRunId, "trackingRunId is null");
  }
}
