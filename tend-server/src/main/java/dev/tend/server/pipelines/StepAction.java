package dev.tend.server.pipelines;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.pipelines.ResourceUse;
import java.util.Optional;

/** What one kind of step does. Implementations are thread-safe. */
interface StepAction {
  /**
   * Does the step's work.
   *
   * @throws StepFailure when it did not succeed; nothing it was to create may be left half-made
   */
  Outcome execute(StepContext context) throws StepFailure;

  /**
   * What a step produced: its outputs (later steps refer to them by name), the tracked run it
   * recorded, and what it measured itself when its work ran outside this process.
   */
  record Outcome(ObjectNode outputs, Optional<String> trackingRunId, Optional<ResourceUse> usage) {
    public Outcome {
      requireNonNull(outputs, "outputs is null");
      requireNonNull(trackingRunId, "trackingRunId is null");
      requireNonNull(usage, "usage is null");
    }

    static Outcome of(ObjectNode outputs) {
      return new Outcome(outputs, Optional.empty(), Optional.empty());
    }
  }
}
