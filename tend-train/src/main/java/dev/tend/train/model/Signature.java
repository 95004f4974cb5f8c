package dev.tend.train.model;

import static java.util.Objects.requireNonNull;

import dev.tend.train.preprocess.Input;
import java.util.List;

/**
 * What a model reads and returns, with types: serving checks requests against it.
 *
 * @param inputs the columns read; a missing one counts as a missing value
 * @param outputs the values returned per row
 */
public record Signature(List<Input> inputs, List<Output> outputs) {
  public Signature {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
  }
}
