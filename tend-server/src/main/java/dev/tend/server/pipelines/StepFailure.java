package dev.tend.server.pipelines;

/**
 * A step that did not succeed, with the reason shown to users. A retryable failure (the machine,
 * not the inputs: a lost connection, an interrupted process) is retried as the pipeline allows; one
 * caused by the pipeline or its data (a missing column, a failed gate) is final.
 */
final class StepFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  private StepFailure(String reason, boolean retryable, Throwable cause) {
    super(reason, cause);
    this.retryable = retryable;
  }

  static StepFailure of(String reason) {
    return new StepFailure(reason, false, null);
  }

  static StepFailure of(String reason, Throwable cause) {
    return new StepFailure(reason, false, cause);
  }

  static StepFailure retryable(String reason, Throwable cause) {
    return new StepFailure(reason, true, cause);
  }

  boolean retryable() {
    return retryable;
  }
}
