package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An experiment: a named group of runs in a Tend project. Its id is a decimal number (MLflow's JSON
 * carries it as a string); its name is unique across the server.
 */
public record Experiment(
    long id,
    String projectId,
    String name,
    String artifactLocation,
    LifecycleStage lifecycleStage,
    long creationTime,
    long lastUpdateTime,
    SortedMap<String, String> tags) {
  public Experiment {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(artifactLocation, "artifactLocation is null");
    requireNonNull(lifecycleStage, "lifecycleStage is null");
    tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
  }

  /** The id as MLflow's JSON writes it. */
  public String idText() {
    return Long.toString(id);
  }

  Experiment withTags(Map<String, String> newTags) {
    return new Experiment(
        id,
        projectId,
        name,
        artifactLocation,
        lifecycleStage,
        creationTime,
        lastUpdateTime,
        new TreeMap<>(newTags));
  }
}
