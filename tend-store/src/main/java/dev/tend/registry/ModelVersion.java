package dev.tend.registry;

import static java.util.Objects.requireNonNull;

import dev.tend.artifacts.ManifestEntry;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One version of a registered model: MLflow's fields (number, stage, source, run, status, tags,
 * aliases) plus Tend's: the model's format, signature, the source run's metrics, the dataset
 * version it was trained on, its files (content-addressed) and the SHA-256 of the manifest that
 * records all of these in the artifact store.
 */
public record ModelVersion(
    String id,
    String modelId,
    String modelName,
    int version,
    long creationTime,
    long lastUpdatedTime,
    Optional<String> userId,
    ModelStage stage,
    Optional<String> description,
    String source,
    Optional<String> runId,
    Optional<String> runLink,
    ModelVersionStatus status,
    Optional<String> statusMessage,
    Optional<String> storageLocation,
    ModelFormat format,
    Optional<String> manifestSha256,
    Optional<String> datasetVersionId,
    SortedMap<String, String> tags,
    List<String> aliases,
    Signature signature,
    SortedMap<String, Double> metrics,
    List<ManifestEntry> files) {
  public ModelVersion {
    requireNonNull(id, "id is null");
    requireNonNull(modelId, "modelId is null");
    requireNonNull(modelName, "modelName is null");
    requireNonNull(userId, "userId is null");
    requireNonNull(stage, "stage is null");
    requireNonNull(description, "description is null");
    requireNonNull(source, "source is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(runLink, "runLink is null");
    requireNonNull(status, "status is null");
    requireNonNull(statusMessage, "statusMessage is null");
    requireNonNull(storageLocation, "storageLocation is null");
    requireNonNull(format, "format is null");
    requireNonNull(manifestSha256, "manifestSha256 is null");
    requireNonNull(datasetVersionId, "datasetVersionId is null");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    aliases = List.copyOf(aliases);
    requireNonNull(signature, "signature is null");
    metrics = Collections.unmodifiableSortedMap(new TreeMap<>(metrics));
    files = List.copyOf(files);
  }

  /** The version number as MLflow's JSON writes it. */
  public String versionText() {
    return Integer.toString(version);
  }
}
