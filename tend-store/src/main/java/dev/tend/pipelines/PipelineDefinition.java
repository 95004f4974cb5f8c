package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * One version of a named pipeline of a project: the YAML text and the files it refers to (suites,
 * scripts), by their path relative to the pipeline file.
 */
public record PipelineDefinition(
    String projectId,
    String name,
    int version,
    String yaml,
    Map<String, String> files,
    String sha256,
    Instant createdAt,
    String createdBy) {
  public PipelineDefinition {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(yaml, "yaml is null");
    files = Map.copyOf(files);
    requireNonNull(sha256, "sha256 is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
  }
}
