package dev.tend.registry;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One input or output of a model's signature: its name (absent for unnamed tensors) and its type,
 * such as {@code double}, {@code string} or {@code tensor<float32>}.
 */
public record SignatureColumn(Optional<String> name, String type) {
  public SignatureColumn {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
