package dev.tend.pipeline.command;

import java.util.regex.Pattern;

/** The spelling rule of input and output names, which become folder and file names. */
final class Names {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Names() {}

  static void check(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " name '"
              + name
              + "' is not allowed: use a letter or digit, then letters, digits, '.', '_' or '-'");
    }
  }
}
