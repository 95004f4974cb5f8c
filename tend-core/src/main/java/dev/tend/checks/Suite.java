package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A named set of checks and score thresholds, as kept in a suite file next to the code. The same
 * suite serves CI, pre-commit hooks, dataset pushes and live inputs.
 */
public record Suite(
    int formatVersion,
    String name,
    Optional<String> description,
    List<Check> checks,
    List<Threshold> thresholds,
    String origin) {

  /** The suite file format this build reads and writes. */
  public static final int FORMAT_VERSION = 1;

  public Suite {
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    checks = List.copyOf(requireNonNull(checks, "checks is null"));
    thresholds = List.copyOf(requireNonNull(thresholds, "thresholds is null"));
    requireNonNull(origin, "origin is null");
    Set<String> names = new HashSet<>();
    for (Check check : checks) {
      if (!names.add(check.name())) {
        throw new IllegalArgumentException("two checks are named '" + check.name() + "'");
      }
    }
  }
}
