package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An action besides a deployment revision, such as {@code approve} (a rollout awaiting approval
 * promoted) or {@code pipeline-run} (a run queued).
 */
public record ActionEvent(String kind, Instant at, String actor) {
  public ActionEvent {
    requireNonNull(kind, "kind is null");
    requireNonNull(at, "at is null");
    requireNonNull(actor, "actor is null");
  }

  public boolean automated() {
    return Actors.automated(actor);
  }
}
