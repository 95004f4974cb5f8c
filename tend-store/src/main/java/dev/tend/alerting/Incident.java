package dev.tend.alerting;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * The alerts of one deployment that overlapped in time: opened by the first, joined by those that
 * fire while it is open, resolved when the last of them resolves.
 *
 * @param severity the most severe of its alerts
 */
public record Incident(
    String id,
    String projectId,
    String deployment,
    String title,
    String severity,
    Instant openedAt,
    Optional<Instant> resolvedAt) {
  public Incident {
    requireNonNull(id, "id is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(title, "title is null");
    requireNonNull(severity, "severity is null");
    requireNonNull(openedAt, "openedAt is null");
    requireNonNull(resolvedAt, "resolvedAt is null");
  }

  public boolean open() {
    return resolvedAt.isEmpty();
  }
}
