package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a served model reads and returns, in order: requests are checked against the inputs and
 * responses are written from the outputs. Positional forms (a row given as an array, the Open
 * Inference single-tensor form) follow the order of {@link #inputs()}.
 *
 * <p>Built from tend-train's {@code Signature} with {@code Field.of(input.name(), input.type())}
 * per column, and from the registry's with {@link ValueType#parse} on each column's type name.
 *
 * @param inputs the fields a request must carry, in order
 * @param outputs the values the model returns per row, in order
 */
public record ServingSignature(List<Field> inputs, List<Field> outputs) {
  public ServingSignature {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a serving signature needs at least one input");
    }
    checkUnique(inputs, "input");
    checkUnique(outputs, "output");
  }

  private static void checkUnique(List<Field> fields, String kind) {
    Map<String, Field> seen = new HashMap<>();
    for (Field field : fields) {
      if (seen.put(field.name(), field) != null) {
        throw new IllegalArgumentException("duplicate " + kind + " '" + field.name() + "'");
      }
    }
  }

  /** The position of the input with this name. */
  public Optional<Integer> inputIndex(String name) {
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).name().equals(name)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }
}
