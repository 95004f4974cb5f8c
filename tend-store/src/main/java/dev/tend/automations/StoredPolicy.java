package dev.tend.automations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An automation policy as stored: the text as sent ({@code yaml} or {@code json}), its canonical
 * JSON, the deployment it keeps, and {@code version}, which counts its changes.
 */
public record StoredPolicy(
    String projectId,
    String name,
    String source,
    String sourceType,
    String policyJson,
    String deployment,
    int version,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy) {
  public StoredPolicy {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(source, "source is null");
    requireNonNull(sourceType, "sourceType is null");
    requireNonNull(policyJson, "policyJson is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
    requireNonNull(updatedAt, "updatedAt is null");
    requireNonNull(updatedBy, "updatedBy is null");
  }
}
