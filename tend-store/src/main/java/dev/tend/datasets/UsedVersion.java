package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Reverse lineage: a committed dataset version that a run or model version used, named by its
 * project and dataset so the caller can filter by what it may read.
 */
public record UsedVersion(
    String projectId,
    String projectName,
    String datasetName,
    int versionNumber,
    VersionStatus status,
    Instant recordedAt) {
  public UsedVersion {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(projectName, "projectName is null");
    requireNonNull(datasetName, "datasetName is null");
    requireNonNull(status, "status is null");
    requireNonNull(recordedAt, "recordedAt is null");
  }
}
