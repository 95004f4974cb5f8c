package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A registry model version and the newest dataset version it was trained on, when its lineage names
 * one.
 */
public record ModelLineage(String versionId, String model, int version, Optional<DataPush> data) {
  public ModelLineage {
    requireNonNull(versionId, "versionId is null");
    requireNonNull(model, "model is null");
    requireNonNull(data, "data is null");
  }
}
