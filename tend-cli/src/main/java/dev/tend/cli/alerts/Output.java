package dev.tend.cli.alerts;

import dev.tend.cli.FormatOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --format table|json}, and {@code --json} for short. */
final class Output {
  @Mixin FormatOption format;

  @Option(names = "--json", description = "JSON output; the same as --format json.")
  boolean json;

  boolean json() {
    return json || format.json();
  }
}
