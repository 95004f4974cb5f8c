package dev.tend.server.alerting.channel;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What became of one attempt to deliver an event to a channel, as {@link ChannelDispatcher} reports
 * it (the alerting service records these in the incident's timeline).
 *
 * @param channel the channel's name
 * @param event the event
 * @param attempt 1 for the first try; 0 when the event was dropped before any
 * @param status what happened
 * @param detail why it failed or was dropped, for people; empty when delivered
 * @param at when the attempt ended
 * @param retryIn when {@link Status#RETRYING}, how long until the next attempt
 */
public record DeliveryOutcome(
    String channel,
    AlertEvent event,
    int attempt,
    Status status,
    String detail,
    Instant at,
    Optional<Duration> retryIn) {

  /** What happened to a delivery. */
  public enum Status {
    /** The receiver accepted the event. */
    DELIVERED,
    /** This attempt failed; another follows after {@link #retryIn()}. */
    RETRYING,
    /** The last attempt failed, or the failure will not pass with retries: given up. */
    FAILED,
    /**
     * Not attempted (again): the channel's queue was full, no channel has that name, a newer event
     * of the same alert replaced it, or the server stopped.
     */
    DROPPED
  }

  public DeliveryOutcome {
    requireNonNull(channel, "channel is null");
    requireNonNull(event, "event is null");
    requireNonNull(status, "status is null");
    requireNonNull(detail, "detail is null");
    requireNonNull(at, "at is null");
    requireNonNull(retryIn, "retryIn is null");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative");
    }
    if ((status == Status.RETRYING) != retryIn.isPresent()) {
      throw new IllegalArgumentException("retryIn is set exactly when retrying");
    }
  }
}
