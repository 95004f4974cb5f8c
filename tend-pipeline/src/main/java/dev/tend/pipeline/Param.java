package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** A pipeline parameter with its type and default value, overridable when a run starts. */
public record Param(String name, Type type, Object defaultValue) {
  /** The types a parameter may have. */
  public enum Type {
    STRING,
    INTEGER,
    NUMBER,
    BOOLEAN;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Param {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    requireNonNull(defaultValue, "defaultValue is null");
  }
}
