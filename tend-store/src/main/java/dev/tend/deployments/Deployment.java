package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A named endpoint serving a project's models in one environment; {@code current} is its latest
 * revision. Names are unique across projects since they appear in prediction URLs.
 */
public record Deployment(
    String id,
    String name,
    String projectId,
    Environment environment,
    Instant createdAt,
    String createdBy,
    Revision current) {
  public Deployment {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
    requireNonNull(current, "current is null");
  }
}
