package dev.tend.deployments;

import java.util.Locale;

/**
 * How a candidate version shares traffic: a canary or an A/B split answers its percentage of
 * requests (A/B optionally sticky on a request field); a shadow receives a copy of its percentage
 * whose answers are logged, not returned.
 */
public enum RolloutMode {
  CANARY,
  AB,
  SHADOW;

  /** The name stored and shown: {@code canary}, {@code ab} or {@code shadow}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code text} ({@code canary}, {@code ab} or {@code shadow}). */
  public static RolloutMode fromWireName(String text) {
    for (RolloutMode mode : values()) {
      if (mode.wireName().equals(text)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "rollout mode must be one of canary, ab, shadow, got '" + text + "'");
  }
}
