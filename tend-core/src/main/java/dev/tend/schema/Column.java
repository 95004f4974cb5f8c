package dev.tend.schema;

import static java.util.Objects.requireNonNull;

/**
 * A named, typed column of a dataset.
 *
 * @param name column name exactly as the source spells it
 * @param type logical type
 * @param sourceType the engine's own type name (for example {@code BIGINT}), kept for reports
 */
public record Column(String name, DataType type, String sourceType) {
  public Column {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(sourceType, "sourceType is null");
  }

  public Column(String name, DataType type) {
    this(name, type, type.name());
  }
}
