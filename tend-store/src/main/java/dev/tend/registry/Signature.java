package dev.tend.registry;

import java.util.List;

/** What a model takes and returns: its input and output columns with their types, in order. */
public record Signature(List<SignatureColumn> inputs, List<SignatureColumn> outputs) {
  /** The signature of a model that declares none. */
  public static final Signature NONE = new Signature(List.of(), List.of());

  public Signature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  public boolean isEmpty() {
    return inputs.isEmpty() && outputs.isEmpty();
  }
}
