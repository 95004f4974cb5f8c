package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A committed, immutable version of a dataset. Its files and profile are read apart ({@link
 * DatasetRepository#manifest}, {@link DatasetRepository#profile}) to keep listings small.
 */
public record DatasetVersion(
    String id,
    String datasetId,
    int number,
    VersionStatus status,
    long totalBytes,
    long rowCount,
    String schemaJson,
    String checkReportJson,
    String source,
    String createdBy,
    Instant createdAt,
    Instant committedAt) {
  public DatasetVersion {
    requireNonNull(id, "id is null");
    requireNonNull(datasetId, "datasetId is null");
    requireNonNull(status, "status is null");
    requireNonNull(schemaJson, "schemaJson is null");
    requireNonNull(checkReportJson, "checkReportJson is null");
    requireNonNull(source, "source is null");
    requireNonNull(createdBy, "createdBy is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(committedAt, "committedAt is null");
  }
}
