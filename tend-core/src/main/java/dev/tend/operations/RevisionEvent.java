package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One revision of a deployment: the traffic it set (the stable version and a rollout's candidate,
 * if any), when and by whom.
 *
 * @param number the revision's number, counting from 1 per deployment
 * @param onBehalfOf who queued the pipeline run whose deploy step made this revision, when one did
 *     (such a step acts as a person, the pipeline's author, even when a trigger queued the run)
 */
public record RevisionEvent(
    String deployment,
    String environment,
    int number,
    Instant at,
    String actor,
    String stableVersionId,
    Optional<String> candidateVersionId,
    Optional<String> onBehalfOf) {
  public RevisionEvent {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(at, "at is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(stableVersionId, "stableVersionId is null");
    requireNonNull(candidateVersionId, "candidateVersionId is null");
    requireNonNull(onBehalfOf, "onBehalfOf is null");
    if (number < 1) {
      throw new IllegalArgumentException("revision number must be at least 1, got " + number);
    }
  }

  /** Whether the system made this revision (see {@link Actors}). */
  public boolean automated() {
    return Actors.automated(actor) || onBehalfOf.map(Actors::automated).orElse(false);
  }
}
