package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** A named, versioned dataset in a project, with the check suite its pushes are gated by. */
public record Dataset(
    String id,
    String projectId,
    String name,
    Optional<Suite> suite,
    Instant createdAt,
    String createdBy) {
  public Dataset {
    requireNonNull(id, "id is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(suite, "suite is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
  }
}
