package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

/** A revision with the name and environment of its deployment, for project-wide listings. */
public record NamedRevision(String deployment, Environment environment, Revision revision) {
  public NamedRevision {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(revision, "revision is null");
  }
}
