package dev.tend.serving.log;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which predictions to read: those answered in {@code [from, to)}, of one deployment or of all,
 * optionally only those with given ids; the earliest {@code limit} of them, ordered by time then
 * id.
 *
 * @param deployment one deployment, or empty for all
 * @param from the first instant included
 * @param to the first instant excluded
 * @param predictionIds only these ids, or every id when empty; at most {@link #MAX_IDS}
 * @param limit the most records returned, at least 1
 */
public record PredictionQuery(
    Optional<String> deployment, Instant from, Instant to, Set<String> predictionIds, int limit) {

  /** The most prediction ids one query may name. */
  public static final int MAX_IDS = 10_000;

  private static final Instant END_OF_TIME = Instant.parse("+10000-01-01T00:00:00Z");

  public PredictionQuery {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(predictionIds, "predictionIds is null");
    predictionIds = Set.copyOf(predictionIds);
    if (to.isBefore(from)) {
      throw new IllegalArgumentException(
          "the range ends (" + to + ") before it starts (" + from + ")");
    }
    if (predictionIds.size() > MAX_IDS) {
      throw new IllegalArgumentException(
          "a query names at most " + MAX_IDS + " prediction ids, not " + predictionIds.size());
    }
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
  }

  /** The predictions of {@code deployment} in {@code [from, to)}, at most {@code limit}. */
  public static PredictionQuery of(String deployment, Instant from, Instant to, int limit) {
    return new PredictionQuery(Optional.of(deployment), from, to, Set.of(), limit);
  }

  /** Every prediction, of any deployment and time, at most {@code limit}. */
  public static PredictionQuery all(int limit) {
    return new PredictionQuery(Optional.empty(), Instant.EPOCH, END_OF_TIME, Set.of(), limit);
  }

  /**
   * The predictions with these ids, of any deployment and time; up to four records per id, since a
   * client may reuse an id.
   */
  public static PredictionQuery byIds(Set<String> predictionIds) {
    if (predictionIds.isEmpty()) {
      throw new IllegalArgumentException("name at least one prediction id, or query all(limit)");
    }
    return new PredictionQuery(
        Optional.empty(),
        Instant.EPOCH,
        END_OF_TIME,
        predictionIds,
        Math.max(1, predictionIds.size() * 4));
  }

  /** This query restricted to the given ids. */
  public PredictionQuery withPredictionIds(Set<String> predictionIds) {
    return new PredictionQuery(deployment, from, to, predictionIds, limit);
  }

  boolean matches(PredictionRecord record) {
    return deployment.map(record.deployment()::equals).orElse(true)
        && !record.timestamp().isBefore(from)
        && record.timestamp().isBefore(to)
        && (predictionIds.isEmpty() || predictionIds.contains(record.predictionId()));
  }
}
