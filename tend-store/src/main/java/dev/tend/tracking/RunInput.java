package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A dataset a run read, as MLflow's log-inputs describes it. {@code datasetVersionId} is the Tend
 * dataset version it names, when it names one (source type {@code tend}, or a {@code tend.dataset}
 * run tag).
 */
public record RunInput(
    String name,
    String digest,
    String sourceType,
    String source,
    Optional<String> schema,
    Optional<String> profile,
    SortedMap<String, String> tags,
    Optional<String> datasetVersionId) {
  /** The input tag MLflow uses for the role of a dataset in a run (training, evaluation...). */
  public static final String CONTEXT_TAG = "mlflow.data.context";

  public RunInput {
    requireNonNull(name, "name is null");
    requireNonNull(digest, "digest is null");
    requireNonNull(sourceType, "sourceType is null");
    requireNonNull(source, "source is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(profile, "profile is null");
    tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    requireNonNull(datasetVersionId, "datasetVersionId is null");
  }

  /** An input as a client logs it, before Tend resolves any dataset version it names. */
  public static RunInput of(
      String name,
      String digest,
      String sourceType,
      String source,
      Optional<String> schema,
      Optional<String> profile,
      Map<String, String> tags) {
    return new RunInput(
        name, digest, sourceType, source, schema, profile, new TreeMap<>(tags), Optional.empty());
  }
}
