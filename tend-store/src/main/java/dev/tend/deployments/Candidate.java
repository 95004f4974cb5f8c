package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A model version trying out next to a deployment's stable version: it gets {@code percent} of the
 * traffic in {@code mode}; {@code stickyKey} names the request field that sends the same key to the
 * same version, and only an A/B split may have one.
 */
public record Candidate(
    String versionId, RolloutMode mode, int percent, Optional<String> stickyKey) {
  /** Longest sticky key field name. */
  public static final int MAX_STICKY_KEY_LENGTH = 128;

  public Candidate {
    requireNonNull(versionId, "versionId is null");
    requireNonNull(mode, "mode is null");
    requireNonNull(stickyKey, "stickyKey is null");
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent must be between 0 and 100, got " + percent);
    }
    if (stickyKey.isPresent()) {
      if (mode != RolloutMode.AB) {
        throw new IllegalArgumentException(
            "a sticky key only applies to an ab split, not to " + mode.wireName());
      }
      String key = stickyKey.get();
      if (key.isBlank() || key.length() > MAX_STICKY_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "sticky key must be 1 to " + MAX_STICKY_KEY_LENGTH + " characters");
      }
    }
  }
}
