package dev.tend.tracking.search;

import dev.tend.tracking.search.Filter.Comparator;
import dev.tend.tracking.search.Filter.Entity;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a search runs over (runs, experiments, registered models or model versions): which entities
 * and attributes it may name, with which comparators, and what it may be ordered by. The rules are
 * MLflow 2.17's.
 */
public enum SearchTarget {
  RUNS(
      EnumSet.of(Entity.METRIC, Entity.PARAM, Entity.TAG, Entity.ATTRIBUTE, Entity.DATASET),
      Map.ofEntries(
          Map.entry("run_id", "run_id"),
          Map.entry("run_name", "run_name"),
          Map.entry("run name", "run_name"),
          Map.entry("Run name", "run_name"),
          Map.entry("Run Name", "run_name"),
          Map.entry("status", "status"),
          Map.entry("user_id", "user_id"),
          Map.entry("artifact_uri", "artifact_uri"),
          Map.entry("start_time", "start_time"),
          Map.entry("created", "start_time"),
          Map.entry("Created", "start_time"),
          Map.entry("end_time", "end_time")),
      Set.of("start_time", "end_time"),
      Set.of("run_id"),
      Set.of("run_id", "run_name", "status", "user_id", "artifact_uri", "start_time", "end_time")),
  EXPERIMENTS(
      EnumSet.of(Entity.TAG, Entity.ATTRIBUTE),
      Map.of(
          "name", "name",
          "creation_time", "creation_time",
          "last_update_time", "last_update_time"),
      Set.of("creation_time", "last_update_time"),
      Set.of(),
      Set.of("name", "experiment_id", "creation_time", "last_update_time")),
  REGISTERED_MODELS(
      EnumSet.of(Entity.TAG, Entity.ATTRIBUTE),
      Map.of("name", "name"),
      Set.of(),
      Set.of(),
      Set.of("name", "creation_timestamp", "last_updated_timestamp")),
  MODEL_VERSIONS(
      EnumSet.of(Entity.TAG, Entity.ATTRIBUTE),
      Map.of(
          "name", "name",
          "version_number", "version_number",
          "run_id", "run_id",
          "source_path", "source_path"),
      Set.of("version_number"),
      Set.of("run_id"),
      Set.of("name", "version_number", "creation_timestamp", "last_updated_timestamp"));

  static final Set<Comparator> NUMERIC =
      EnumSet.of(
          Comparator.EQ, Comparator.NE, Comparator.LT, Comparator.LE, Comparator.GT, Comparator.GE);
  static final Set<Comparator> TEXT =
      EnumSet.of(Comparator.EQ, Comparator.NE, Comparator.LIKE, Comparator.ILIKE);
  static final Set<Comparator> TEXT_OR_LIST =
      EnumSet.of(
          Comparator.EQ,
          Comparator.NE,
          Comparator.LIKE,
          Comparator.ILIKE,
          Comparator.IN,
          Comparator.NOT_IN);
  static final Set<String> DATASET_KEYS = Set.of("name", "digest", "context");

  private final Set<Entity> entities;
  private final Map<String, String> attributes;
  private final Set<String> numericAttributes;
  private final Set<String> listAttributes;
  private final Set<String> orderableAttributes;

  SearchTarget(
      Set<Entity> entities,
      Map<String, String> attributes,
      Set<String> numericAttributes,
      Set<String> listAttributes,
      Set<String> orderableAttributes) {
    this.entities = entities;
    this.attributes = attributes;
    this.numericAttributes = numericAttributes;
    this.listAttributes = listAttributes;
    this.orderableAttributes = orderableAttributes;
  }

  boolean allows(Entity entity) {
    return entities.contains(entity);
  }

  /** The canonical name of a searchable attribute, resolving aliases such as {@code created}. */
  Optional<String> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  boolean isNumeric(String canonicalAttribute) {
    return numericAttributes.contains(canonicalAttribute);
  }

  boolean allowsList(String canonicalAttribute) {
    return listAttributes.contains(canonicalAttribute);
  }

  Optional<String> orderableAttribute(String name) {
    String canonical = attributes.getOrDefault(name, name);
    return orderableAttributes.contains(canonical) ? Optional.of(canonical) : Optional.empty();
  }

  Set<String> attributeNames() {
    return attributes.keySet();
  }

  Set<String> orderableAttributeNames() {
    return orderableAttributes;
  }
}
