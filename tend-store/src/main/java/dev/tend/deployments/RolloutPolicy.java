package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * When a rollout's candidate is judged worse than the stable version, and when it may take over.
 * Figures are compared per tumbling {@code window}; a window counts only when both versions served
 * at least {@code minRequests} in it. The candidate fails a window when its success rate is below
 * {@code minSuccessRate}, its p99 latency above {@code maxP99Millis}, or (with {@code
 * maxQualityDrop} set and labels known) its {@code qualityMetric} worse than the stable version's
 * by more than {@code maxQualityDrop}. {@code failedWindows} consecutive failures roll it back;
 * {@code bake} without a failure promotes it ({@code auto}) or asks for approval ({@code manual}).
 */
public record RolloutPolicy(
    Duration window,
    int minRequests,
    double minSuccessRate,
    long maxP99Millis,
    OptionalDouble maxQualityDrop,
    Optional<String> qualityMetric,
    int failedWindows,
    Duration bake,
    Promotion promotion) {
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_MIN_REQUESTS = 20;
  public static final double DEFAULT_MIN_SUCCESS_RATE = 0.99;
  public static final long DEFAULT_MAX_P99_MILLIS = 500;
  public static final int DEFAULT_FAILED_WINDOWS = 2;
  public static final Duration DEFAULT_BAKE = Duration.ofMinutes(10);

  /** Whether a clean bake promotes the candidate by itself or waits for a user's promote. */
  public enum Promotion {
    AUTO,
    MANUAL;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Promotion fromWireName(String text) {
      for (Promotion promotion : values()) {
        if (promotion.wireName().equals(text)) {
          return promotion;
        }
      }
      throw new IllegalArgumentException("promotion must be auto or manual, got '" + text + "'");
    }
  }

  public RolloutPolicy {
    requireNonNull(window, "window is null");
    requireNonNull(maxQualityDrop, "maxQualityDrop is null");
    requireNonNull(qualityMetric, "qualityMetric is null");
    requireNonNull(bake, "bake is null");
    requireNonNull(promotion, "promotion is null");
    if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException("window must be between 1s and 1d, got " + window);
    }
    if (minRequests < 1 || minRequests > 1_000_000_000) {
      throw new IllegalArgumentException("minRequests must be at least 1, got " + minRequests);
    }
    if (!(minSuccessRate >= 0 && minSuccessRate <= 1)) {
      throw new IllegalArgumentException(
          "minSuccessRate must be between 0 and 1, got " + minSuccessRate);
    }
    if (maxP99Millis < 1) {
      throw new IllegalArgumentException("maxP99Millis must be at least 1, got " + maxP99Millis);
    }
    if (maxQualityDrop.isPresent()) {
      double drop = maxQualityDrop.getAsDouble();
      if (!(drop >= 0 && Double.isFinite(drop))) {
        throw new IllegalArgumentException("maxQualityDrop must be 0 or more, got " + drop);
      }
    }
    if (qualityMetric.isPresent()
        && (qualityMetric.get().isBlank() || qualityMetric.get().length() > 64)) {
      throw new IllegalArgumentException("qualityMetric must be 1 to 64 characters");
    }
    if (failedWindows < 1 || failedWindows > 1000) {
      throw new IllegalArgumentException(
          "failedWindows must be between 1 and 1000, got " + failedWindows);
    }
    if (bake.isNegative() || bake.compareTo(Duration.ofDays(30)) > 0) {
      throw new IllegalArgumentException("bake must be between 0s and 30d, got " + bake);
    }
  }

  /** Flagger's spirit: 1m windows, 20 requests, 99% success, p99 at most 500 ms, 2 failures. */
  public static RolloutPolicy defaults() {
    return new RolloutPolicy(
        DEFAULT_WINDOW,
        DEFAULT_MIN_REQUESTS,
        DEFAULT_MIN_SUCCESS_RATE,
        DEFAULT_MAX_P99_MILLIS,
        OptionalDouble.empty(),
        Optional.empty(),
        DEFAULT_FAILED_WINDOWS,
        DEFAULT_BAKE,
        Promotion.AUTO);
  }
}
