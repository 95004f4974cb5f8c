package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** Who queued a pipeline run, when and how, without the run's definition. */
public record QueuedRun(
    String id, String pipelineName, RunTrigger.Kind trigger, Instant createdAt, String createdBy) {
  public QueuedRun {
    requireNonNull(id, "id is null");
    requireNonNull(pipelineName, "pipelineName is null");
    requireNonNull(trigger, "trigger is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
  }
}
