package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A dataset named in a pipeline, {@code name@alias} or {@code name@3} (a version number), and how
 * many versions a step reads: the newest {@code versions} accepted versions up to and including the
 * one the reference resolves to, as one union (a rolling window); 1 reads only that version.
 */
public record DatasetRef(String name, String alias, int versions) {
  /** The most versions one window may read (ten years of weekly pushes). */
  public static final int MAX_VERSIONS = 520;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  public DatasetRef {
    requireNonNull(name, "name is null");
    requireNonNull(alias, "alias is null");
    if (versions < 1 || versions > MAX_VERSIONS) {
      throw new IllegalArgumentException(
          "versions must be from 1 to " + MAX_VERSIONS + ", got " + versions);
    }
  }

  /** One version: the one the reference resolves to. */
  public DatasetRef(String name, String alias) {
    this(name, alias, 1);
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

  /** The same reference reading a window of {@code versions} versions. */
  public DatasetRef withVersions(int versions) {
    return new DatasetRef(name, alias, versions);
  }

  /** {@code name@alias}, without the window. */
  @Override
  public String toString() {
    return name + "@" + alias;
  }
}
