package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What started a run: its kind, a human-readable detail ({@code flights@production moved to 4},
 * {@code 0 3 * * 1 at 2026-11-30T03:00Z}) and, for automatic triggers, a key that makes enqueueing
 * idempotent: a second run with the same key for the same pipeline is not created.
 */
public record RunTrigger(Kind kind, String detail, Optional<String> key) {
  public RunTrigger {
    requireNonNull(kind, "kind is null");
    requireNonNull(detail, "detail is null");
    requireNonNull(key, "key is null");
  }

  /** The kinds of trigger. */
  public enum Kind {
    MANUAL,
    SCHEDULE,
    DATASET,
    ALERT
  }

  public static RunTrigger manual() {
    return new RunTrigger(Kind.MANUAL, "manual", Optional.empty());
  }
}
