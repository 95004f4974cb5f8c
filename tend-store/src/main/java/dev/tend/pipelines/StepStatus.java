package dev.tend.pipelines;

/** Where one step of a run is. Skipped steps never ran because an earlier step failed. */
public enum StepStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  SKIPPED;

  public boolean isFinished() {
    return this != PENDING && this != RUNNING;
  }
}
