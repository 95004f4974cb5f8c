package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

/** A version number reserved for a push in progress; readers do not see it until committed. */
public record PendingVersion(String id, String datasetId, int number) {
  public PendingVersion {
    requireNonNull(id, "id is null");
    requireNonNull(datasetId, "datasetId is null");
  }
}
