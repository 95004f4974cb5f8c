package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Where ingesting a deployment's prediction log and feedback got to, and how its last run went.
 * Every logged prediction ordered (by time, then id) at or before {@code position} and every
 * feedback row ordered (by receipt, then prediction id and name) at or before {@code feedback} is
 * taken into account.
 *
 * @param deployment the deployment's name
 * @param version bumped by every change of the deployment's windows; changes name the version they
 *     read (compare-and-set)
 * @param position the last prediction ingested
 * @param feedback the last feedback row taken into account
 * @param lastRunAt when a run last finished for this deployment
 * @param lastError the last error of a run, if the last run failed
 * @param lastErrorAt when that error happened
 * @param errors how many runs failed so far
 */
public record MonitorCursor(
    String deployment,
    long version,
    Position position,
    FeedbackPosition feedback,
    Optional<Instant> lastRunAt,
    Optional<String> lastError,
    Optional<Instant> lastErrorAt,
    long errors) {
  public MonitorCursor {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(position, "position is null");
    requireNonNull(feedback, "feedback is null");
    requireNonNull(lastRunAt, "lastRunAt is null");
    requireNonNull(lastError, "lastError is null");
    requireNonNull(lastErrorAt, "lastErrorAt is null");
  }

  /**
   * A place in the prediction log's order (by time, then id): predictions at {@code time} with an
   * id after {@code predictionId}, and all later ones, come after it. An empty id stands before
   * every prediction of that instant.
   */
  public record Position(Instant time, String predictionId) {
    /** Before every prediction. */
    public static final Position START = new Position(Instant.EPOCH, "");

    public Position {
      requireNonNull(time, "time is null");
      requireNonNull(predictionId, "predictionId is null");
    }

    /** Whether a prediction answered at {@code at} with {@code id} is at or before this place. */
    public boolean covers(Instant at, String id) {
      int c = at.compareTo(time);
      return c < 0 || (c == 0 && id.compareTo(predictionId) <= 0);
    }
  }

  /** A place in the order feedback was received: by time, then prediction id and name. */
  public record FeedbackPosition(Instant receivedAt, String predictionId, String name) {
    /** Before every feedback row. */
    public static final FeedbackPosition START = new FeedbackPosition(Instant.EPOCH, "", "");

    public FeedbackPosition {
      requireNonNull(receivedAt, "receivedAt is null");
      requireNonNull(predictionId, "predictionId is null");
      requireNonNull(name, "name is null");
    }
  }
}
