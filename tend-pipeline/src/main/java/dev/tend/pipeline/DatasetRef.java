package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/** A dataset named in a pipeline, {@code name@alias} or {@code name@3} (a version number). */
public record DatasetRef(String name, String alias) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  public DatasetRef {
    requireNonNull(name, "name is null");
    requireNonNull(alias, "alias is null");
  }

  /** Parses {@code name@alias}; empty when the text does not have that shape. */
  public static Optional<DatasetRef> parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0 || at != text.lastIndexOf('@')) {
      return Optional.empty();
    }
    String name = text.substring(0, at);
    String alias = text.substring(at + 1);
    if (!NAME.matcher(name).matches() || !NAME.matcher(alias).matches()) {
      return Optional.empty();
    }
    return Optional.of(new DatasetRef(name, alias));
  }

  @Override
  public String toString() {
    return name + "@" + alias;
  }
}
