package dev.tend.registry;

import static java.util.Objects.requireNonNull;

import dev.tend.tracking.KeyValue;
import java.util.List;
import java.util.Optional;

/**
 * A model version to register. {@code source} is where its files are: {@code runs:/<run_id>/path}
 * or {@code mlflow-artifacts:/<experiment_id>/<run_id>/artifacts/path} name a run's artifacts,
 * which Tend records with the version; any other URI is kept as given.
 */
public record NewModelVersion(
    String source,
    Optional<String> runId,
    Optional<String> runLink,
    Optional<String> description,
    Optional<String> userId,
    List<KeyValue> tags) {
  public NewModelVersion {
    requireNonNull(source, "source is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(runLink, "runLink is null");
    requireNonNull(description, "description is null");
    requireNonNull(userId, "userId is null");
    tags = List.copyOf(tags);
  }
}
