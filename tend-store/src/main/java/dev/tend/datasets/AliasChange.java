package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** One move of an alias: from which version (none when it was created) to which, by whom, why. */
public record AliasChange(
    String alias,
    Optional<Integer> fromNumber,
    int toNumber,
    String by,
    String reason,
    boolean forced,
    Instant at) {
  public AliasChange {
    requireNonNull(alias, "alias is null");
    requireNonNull(fromNumber, "fromNumber is null");
    requireNonNull(by, "by is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(at, "at is null");
  }
}
