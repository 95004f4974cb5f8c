package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A feedback value received (or corrected) for a prediction: tells the monitor which prediction's
 * window to compute again.
 */
public record FeedbackArrival(String predictionId, String name, Instant receivedAt) {
  public FeedbackArrival {
    requireNonNull(predictionId, "predictionId is null");
    requireNonNull(name, "name is null");
    requireNonNull(receivedAt, "receivedAt is null");
  }
}
