package dev.tend.pipelines;

/** Where a pipeline run is: waiting, being executed, or finished one of three ways. */
public enum PipelineRunStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean isFinished() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
