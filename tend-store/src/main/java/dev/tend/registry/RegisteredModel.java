package dev.tend.registry;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A registered model: a named line of model versions in a Tend project (names are unique per
 * project), with a description, tags and aliases (alias to version number). Times are epoch
 * milliseconds.
 */
public record RegisteredModel(
    String id,
    String projectId,
    String name,
    Optional<String> description,
    long creationTime,
    long lastUpdatedTime,
    String createdBy,
    SortedMap<String, String> tags,
    SortedMap<String, Integer> aliases) {
  public RegisteredModel {
    requireNonNull(id, "id is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    requireNonNull(createdBy, "createdBy is null");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    aliases = Collections.unmodifiableSortedMap(new TreeMap<>(aliases));
  }
}
