package dev.tend.pipeline.command;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One input of a command step, already materialized on disk by the caller: a dataset version (a
 * folder with {@code data.csv} and {@code files/}), a model from an earlier step (its folder as is)
 * or a file. It becomes one entry of {@code inputs.json}; {@code properties} are extra fields of
 * that entry (numbers, strings, booleans, lists and objects of them).
 */
public record CommandInput(
    String name, Kind kind, Path path, Optional<String> ref, Map<String, Object> properties) {
  private static final Set<String> RESERVED = Set.of("kind", "path", "ref");

  /** What an input is. */
  public enum Kind {
    DATASET,
    MODEL,
    FILE;

    /** The name written to {@code inputs.json}: {@code dataset}, {@code model}, {@code file}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public CommandInput {
    requireNonNull(name, "name is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(path, "path is null");
    requireNonNull(ref, "ref is null");
    requireNonNull(properties, "properties is null");
    Names.check("input", name);
    if (!path.isAbsolute()) {
      throw new IllegalArgumentException("input '" + name + "' has a relative path: " + path);
    }
    for (Map.Entry<String, Object> property : properties.entrySet()) {
      if (RESERVED.contains(property.getKey())) {
        throw new IllegalArgumentException(
            "input '" + name + "' cannot have a property named '" + property.getKey() + "'");
      }
      JsonValues.check(
          property.getValue(), "property '" + property.getKey() + "' of input " + name);
    }
    properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
  }

  /** An input without extra properties. */
  public static CommandInput of(String name, Kind kind, Path path, Optional<String> ref) {
    return new CommandInput(name, kind, path, ref, Map.of());
  }
}
