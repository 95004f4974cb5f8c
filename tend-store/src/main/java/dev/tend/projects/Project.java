package dev.tend.projects;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A project: the unit that owns datasets, models and roles. */
public record Project(
    String id, String name, String description, Instant createdAt, String createdBy) {
  public Project {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
  }
}
