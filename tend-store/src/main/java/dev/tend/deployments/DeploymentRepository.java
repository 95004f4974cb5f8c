package dev.tend.deployments;

import dev.tend.store.Database;
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
 * audited. Thread-safe.
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

  /** Appends a revision setting {@code traffic} to the named deployment. */
  Deployment update(String name, Traffic traffic, String reason, String actor);

  Optional<Deployment> get(String name);

  /** The deployments of a project, by name. */
  List<Deployment> list(String projectId);

  /** Every deployment, by name. */
  List<Deployment> listAll();

  /** The revisions of the named deployment, newest first. */
  List<Revision> history(String name);
}
