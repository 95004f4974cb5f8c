package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

/** A check suite attached to a dataset: its YAML text and the SHA-256 (hex) of that text. */
public record Suite(String yaml, String sha256) {
  public Suite {
    requireNonNull(yaml, "yaml is null");
    requireNonNull(sha256, "sha256 is null");
  }
}
