package dev.tend.server.pipelines;

import dev.tend.pipelines.ResourceUse;
import java.util.Optional;

/**
 * A step that did not succeed, with the reason shown to users. A retryable failure (the machine,
 * not the inputs: a lost connection, an interrupted process) is retried as the pipeline allows; one
 * caused by the pipeline or its data (a missing column, a failed gate) is final.
 */
final class StepFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;
  private final transient Optional<ResourceUse> usage;

  private StepFailure(
      String reason, boolean retryable, Throwable cause, Optional<ResourceUse> usage) {
    super(reason, cause);
    this.retryable = retryable;
    this.usage = usage;
  }

  private StepFailure(String reason, boolean retryable, Throwable cause) {
    this(reason, retryable, cause, Optional.empty());
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

  /** The same failure, with what the step's own process used (a command's figures). */
  StepFailure withUsage(ResourceUse measured) {
    return new StepFailure(getMessage(), retryable, getCause(), Optional.of(measured));
  }

  /** The same failure, retryable or not. */
  StepFailure retryable(boolean retry) {
    return new StepFailure(getMessage(), retry, getCause(), usage);
  }

  boolean retryable() {
    return retryable;
  }

  /** What the step's own process used, when it ran outside the server. */
  Optional<ResourceUse> usage() {
    return usage;
  }
}
