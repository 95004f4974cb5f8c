package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

/** A param or tag: a key and its text value. */
public record KeyValue(String key, String value) {
  public KeyValue {
    requireNonNull(key, "key is null");
    requireNonNull(value, "value is null");
  }
}
