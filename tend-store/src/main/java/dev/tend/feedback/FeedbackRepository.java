package dev.tend.feedback;

import dev.tend.store.Database;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Feedback on logged predictions, keyed by prediction id and name, and the deployment names claimed
 * by applications that log predictions served elsewhere.
 *
 * <p>Storing is idempotent: sending a value again with the same time changes nothing. Each call is
 * one transaction. Thread-safe.
 */
public interface FeedbackRepository {
  /** The most items one {@link #record} call stores. */
  int MAX_BATCH = 10_000;

  /** The feedback of {@code database}. */
  static FeedbackRepository of(Database database) {
    return new JdbiFeedbackRepository(database);
  }

  /** What storing one item did. */
  enum Result {
    /** No value was stored for this prediction and name before. */
    CREATED,
    /** The same value with the same time was stored already. */
    UNCHANGED,
    /** A different value was replaced, as the item asked. */
    REPLACED
  }

  /**
   * Stores {@code items} all or nothing, returning what happened to each, in order.
   *
   * @throws FeedbackConflictException when an item differs from the stored value and does not ask
   *     to replace it, or names a prediction and name an earlier item of the batch named already
   * @throws IllegalArgumentException when there are no items or more than {@link #MAX_BATCH}
   */
  List<Result> record(List<NewFeedback> items, String actor);

  /** The stored feedback of these predictions, by prediction id, each list ordered by name. */
  Map<String, List<Feedback>> forPredictions(Collection<String> predictionIds);

  /**
   * The project of the deployment named {@code deployment}: a served deployment's, else that of the
   * project that logged external predictions under the name.
   */
  Optional<String> projectOfDeployment(String deployment);

  /**
   * Claims {@code deployment} for external predictions of {@code projectId}; nothing changes when
   * the project holds it already, as a served or external deployment.
   *
   * @throws dev.tend.store.ConflictException when another project holds the name
   */
  void claimDeployment(String projectId, String deployment, String actor);
}
