package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * An incident: when its problem began ({@code onset}, the earliest onset of its alerts), when it
 * was detected ({@code openedAt}, its first alert fired) and when it resolved, if it has.
 */
public record IncidentSpan(
    String id,
    String deployment,
    String severity,
    Instant openedAt,
    Optional<Instant> onset,
    Optional<Instant> resolvedAt) {
  public IncidentSpan {
    requireNonNull(id, "id is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(openedAt, "openedAt is null");
    requireNonNull(onset, "onset is null");
    requireNonNull(resolvedAt, "resolvedAt is null");
  }
}
