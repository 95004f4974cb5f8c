package dev.tend.alerting;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An alert rule as stored: the text sent (YAML or JSON) and its canonical JSON.
 *
 * @param version 1 when created, one more at each change of the text
 */
public record StoredRule(
    String projectId,
    String name,
    String source,
    String sourceType,
    String ruleJson,
    boolean enabled,
    int version,
    Instant createdAt,
    String createdBy,
    Instant updatedAt,
    String updatedBy) {
  public StoredRule {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(source, "source is null");
    requireNonNull(sourceType, "sourceType is null");
    requireNonNull(ruleJson, "ruleJson is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
    requireNonNull(updatedAt, "updatedAt is null");
    requireNonNull(updatedBy, "updatedBy is null");
    if (!sourceType.equals("yaml") && !sourceType.equals("json")) {
      throw new IllegalArgumentException("sourceType must be yaml or json");
    }
  }
}
