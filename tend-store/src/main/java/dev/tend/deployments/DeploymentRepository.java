package dev.tend.deployments;

import dev.tend.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Deployments and the append-only history of their revisions.
 *
 * <p>Every model version a revision names must be a live (not deleted) version of a model of the
 * deployment's project; otherwise the change is an {@link IllegalArgumentException}. A missing
 * project or deployment is a {@link dev.tend.store.NotFoundException}; a name already taken (in any
 * project) a {@link dev.tend.store.ConflictException}. A deployment's environment is set when it is
 * created and never changes. Each call is one transaction; creating and changing deployments is
 * audited.
 *
 * <p>A rollout puts a candidate next to the stable version ({@link #startRollout}) and ends by
 * {@link #promote}, {@link #rollback} or a plain {@link #update}, which supersedes it. The
 * controller's changes ({@link #recordWindow}, {@link #awaitApproval}, {@link #endRollout}) are
 * compare-and-set on the rollout it saw, so of several servers judging one window only one acts.
 * Thread-safe.
 */
public interface DeploymentRepository {
  /** Longest reason kept, in characters. */
  int MAX_REASON_LENGTH = 4_000;

  /** The deployments of {@code database}. */
  static DeploymentRepository of(Database database) {
    return new JdbiDeploymentRepository(database);
  }

  /** Creates a deployment whose first revision sets {@code traffic}. */
  Deployment create(
      String projectId,
      String name,
      Environment environment,
      Traffic traffic,
      String reason,
      String actor);

  /**
   * Appends a revision setting {@code traffic} to the named deployment; a rollout in progress ends
   * (event {@code rollout-superseded}).
   */
  Deployment update(String name, Traffic traffic, String reason, String actor);

  Optional<Deployment> get(String name);

  /** The deployments of a project, by name. */
  List<Deployment> list(String projectId);

  /** Every deployment, by name. */
  List<Deployment> listAll();

  /** The revisions of the named deployment, newest first. */
  List<Revision> history(String name);

  /** How a rollout ends. */
  enum Ending {
    /** The candidate becomes the stable version with all the traffic. */
    PROMOTE,
    /** The candidate is removed; the stable version gets all the traffic again. */
    ROLLBACK
  }

  /**
   * Appends a revision putting {@code candidate} next to the current stable version, stores the
   * rollout judged by {@code policy} and records {@code rollout-started}.
   *
   * @throws dev.tend.store.ConflictException when a rollout is already in progress
   */
  Rollout startRollout(
      String name, Candidate candidate, RolloutPolicy policy, String reason, String actor);

  /** The named deployment's rollout in progress. */
  Optional<Rollout> rollout(String name);

  /** Every rollout in progress, by deployment name. */
  List<Rollout> rollouts();

  /**
   * A user promotes the running rollout's candidate (approving it when it awaited approval).
   *
   * @throws dev.tend.store.ConflictException when no rollout is in progress
   */
  Deployment promote(String name, String reason, String actor);

  /**
   * A user removes the running rollout's candidate.
   *
   * @throws dev.tend.store.ConflictException when no rollout is in progress
   */
  Deployment rollback(String name, String reason, String actor);

  /**
   * The controller records its verdict on the window ending at {@code windowEnd}: a failing window
   * extends the failing streak and moves the end of the bake, a passing one resets the streak. The
   * event {@code window-evaluated} is written when {@code event} is set. Empty when the rollout is
   * no longer as {@code seen} (another server acted first, a user ended it).
   */
  Optional<Rollout> recordWindow(
      Rollout seen, Instant windowEnd, boolean failed, String verdict, boolean event);

  /** The controller marks a cleanly baked rollout as awaiting approval; empty as above. */
  Optional<Rollout> awaitApproval(Rollout seen, String reason);

  /** The controller promotes or rolls back the rollout it saw; empty as above. */
  Optional<Deployment> endRollout(Rollout seen, Ending ending, String reason);

  /**
   * Every revision of the project's deployments (of one environment, when given) made before {@code
   * before}, by deployment name and revision number.
   */
  List<NamedRevision> projectRevisions(
      String projectId, Optional<Environment> environment, Instant before);

  /**
   * The events of the project's deployments (of one environment, when given) of one kind made in
   * {@code [from, to)}, oldest first.
   */
  List<NamedEvent> projectEvents(
      String projectId,
      Optional<Environment> environment,
      DeploymentEvent.Kind kind,
      Instant from,
      Instant to);

  /** The named deployment's last {@code limit} events, newest first. */
  List<DeploymentEvent> events(String name, int limit);
}
