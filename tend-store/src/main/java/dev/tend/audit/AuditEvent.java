package dev.tend.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** One recorded change: who did what to which target, when, with details as a JSON object. */
public record AuditEvent(
    String id,
    Instant at,
    String actor,
    String action,
    Optional<String> projectId,
    String target,
    String detailsJson) {
  public AuditEvent {
    requireNonNull(id, "id is null");
    requireNonNull(at, "at is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(action, "action is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(target, "target is null");
    requireNonNull(detailsJson, "detailsJson is null");
  }
}
