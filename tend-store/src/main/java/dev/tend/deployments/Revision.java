package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One entry of a deployment's history: the traffic it set, who set it, when and why. */
public record Revision(
    String deploymentId,
    int number,
    Traffic traffic,
    String reason,
    Instant createdAt,
    String createdBy) {
  public Revision {
    requireNonNull(deploymentId, "deploymentId is null");
    requireNonNull(traffic, "traffic is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
  }
}
