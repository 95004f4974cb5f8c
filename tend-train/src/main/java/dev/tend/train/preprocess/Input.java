package dev.tend.train.preprocess;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;

/**
 * A column a model reads, with its logical type: one entry of a model's input signature.
 *
 * @param name column name
 * @param type logical type
 */
public record Input(String name, DataType type) {
  public Input {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
