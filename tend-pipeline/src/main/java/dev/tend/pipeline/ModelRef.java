package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A registered model named by one of its aliases, {@code name@alias}, such as {@code m@production}.
 */
public record ModelRef(String name, String alias) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]*");
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  public ModelRef {
    requireNonNull(name, "name is null");
    requireNonNull(alias, "alias is null");
  }

  /** Parses {@code name@alias}; empty when the text does not have that shape. */
  public static Optional<ModelRef> parse(String text) {
    int at = text.indexOf('@');
    if (at <= 0 || at != text.lastIndexOf('@')) {
      return Optional.empty();
    }
    String name = text.substring(0, at);
    String alias = text.substring(at + 1);
    if (!NAME.matcher(name).matches() || !ALIAS.matcher(alias).matches()) {
      return Optional.empty();
    }
    return Optional.of(new ModelRef(name, alias));
  }

  @Override
  public String toString() {
    return name + "@" + alias;
  }
}
