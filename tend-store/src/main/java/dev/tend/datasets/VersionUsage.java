package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** Lineage: something (a run, a model; {@code usedByKind}) that used a dataset version. */
public record VersionUsage(
    String versionId, String usedByKind, String usedById, Instant recordedAt) {
  public VersionUsage {
    requireNonNull(versionId, "versionId is null");
    requireNonNull(usedByKind, "usedByKind is null");
    requireNonNull(usedById, "usedById is null");
    requireNonNull(recordedAt, "recordedAt is null");
  }
}
