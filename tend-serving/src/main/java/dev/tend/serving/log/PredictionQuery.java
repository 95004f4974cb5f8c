package dev.tend.serving.log;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Which predictions to read: those answered in {@code [from, to)}, of one deployment or of all,
 * optionally only those with given ids; the earliest {@code limit} of them, ordered by time then
 * id. Pages through a range by keyset: {@code afterId} leaves out the predictions answered at
 * {@code from} whose id is not after it, so the next page starts right after the last prediction
 * read (its time as {@code from}, its id as {@code afterId}) however many share its instant.
 *
 * @param deployment one deployment, or empty for all
 * @param from the first instant included
 * @param to the first instant excluded
 * @param predictionIds only these ids, or every id when empty; at most {@link #MAX_IDS}
 * @param limit the most records returned, at least 1
 * @param afterId of the predictions answered at {@code from}, only those with a later id; all of
 *     them when empty
 */
public record PredictionQuery(
    Optional<String> deployment,
    Instant from,
    Instant to,
    Set<String> predictionIds,
    int limit,
    Optional<String> afterId) {

  /** The most prediction ids one query may name. */
  public static final int MAX_IDS = 10_000;

  private static final Instant END_OF_TIME = Instant.parse("+10000-01-01T00:00:00Z");

  public PredictionQuery {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(predictionIds, "predictionIds is null");
    requireNonNull(afterId, "afterId is null");
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
    return new PredictionQuery(
        Optional.of(deployment), from, to, Set.of(), limit, Optional.empty());
  }

  /**
   * The predictions of {@code deployment} after the one answered at {@code after} with the id
   * {@code afterId} (in the order by time, then id) and before {@code to}, at most {@code limit}.
   */
  public static PredictionQuery after(
      String deployment, Instant after, String afterId, Instant to, int limit) {
    return new PredictionQuery(
        Optional.of(deployment), after, to, Set.of(), limit, Optional.of(afterId));
  }

  /** Every prediction, of any deployment and time, at most {@code limit}. */
  public static PredictionQuery all(int limit) {
    return new PredictionQuery(
        Optional.empty(), Instant.EPOCH, END_OF_TIME, Set.of(), limit, Optional.empty());
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
        Math.max(1, predictionIds.size() * 4),
        Optional.empty());
  }

  /** This query restricted to the given ids. */
  public PredictionQuery withPredictionIds(Set<String> predictionIds) {
    return new PredictionQuery(deployment, from, to, predictionIds, limit, afterId);
  }

  boolean matches(PredictionRecord record) {
    return deployment.map(record.deployment()::equals).orElse(true)
        && !record.timestamp().isBefore(from)
        && record.timestamp().isBefore(to)
        && (predictionIds.isEmpty() || predictionIds.contains(record.predictionId()))
        && afterId
            .map(id -> !record.timestamp().equals(from) || record.predictionId().compareTo(id) > 0)
            .orElse(true);
  }
}
