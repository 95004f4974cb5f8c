package dev.tend.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@code --name value} pairs of a benchmark's command line. */
final class Flags {
  private Flags() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "expected --name value pairs, got '" + arg + "' at position " + (i + 1));
      }
      flags.put(arg.substring(2), args[++i]);
    }
    return flags;
  }
}
