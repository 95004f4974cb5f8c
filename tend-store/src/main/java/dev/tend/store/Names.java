package dev.tend.store;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** The naming rule shared by projects, datasets and aliases: they appear in URLs and paths. */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final int MAX_LENGTH = 64;

  private Names() {}

  /**
   * Returns {@code name} when it is 1 to 64 characters of {@code [a-z0-9._-]} starting with a
   * letter or digit; otherwise throws {@link IllegalArgumentException} naming the {@code kind}.
   */
  public static String requireValid(String kind, String name) {
    requireNonNull(name, kind + " name is null");
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          kind
              + " name must be 1 to "
              + MAX_LENGTH
              + " characters, got "
              + name.length()
              + ": '"
              + printable(name)
              + "'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\') {
        throw new IllegalArgumentException(
            kind + " name '" + printable(name) + "' must not contain a path separator");
      }
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            kind + " name '" + printable(name) + "' must not contain control characters");
      }
    }
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          kind
              + " name '"
              + name
              + "' must use only lower-case letters, digits, '.', '_' and '-',"
              + " and start with a letter or digit");
    }
    return name;
  }

  /** {@code name} with control characters escaped, cut after 72 code points, for messages. */
  public static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints()
        .limit(MAX_LENGTH + 8)
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
