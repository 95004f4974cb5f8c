package dev.tend.pipeline.command;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What to run: the program and its arguments (run directly, never through a shell), the working
 * directory, the whole environment (nothing else is inherited; see {@link
 * CommandWorkspace#environment}) and the longest the command may run.
 */
public record CommandSpec(
    List<String> argv, Path workingDirectory, Map<String, String> environment, Duration timeout) {
  public CommandSpec {
    argv = List.copyOf(argv);
    requireNonNull(workingDirectory, "workingDirectory is null");
    environment = Map.copyOf(environment);
    requireNonNull(timeout, "timeout is null");
    if (argv.isEmpty() || argv.get(0).isEmpty()) {
      throw new IllegalArgumentException("argv needs a program");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, not " + timeout);
    }
  }
}
