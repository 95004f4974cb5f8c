package dev.tend.train.model;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;

/**
 * One value a model returns per row: one entry of its output signature.
 *
 * @param name output name ({@code probability}, {@code label}, {@code probability_<class>}, {@code
 *     value})
 * @param type logical type
 */
public record Output(String name, DataType type) {
  public Output {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
