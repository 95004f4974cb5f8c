package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import dev.tend.deployments.Environment;
import dev.tend.deployments.RolloutMode;
import dev.tend.registry.ModelVersion;
import java.util.Optional;

/**
 * What the serving path knows of one deployment, read from the store at a refresh and kept in
 * memory so that a prediction reads no database: its project (for authorization), environment,
 * stable version and, during a rollout, the candidate's split.
 *
 * @param revision the deployment revision these routes come from
 */
record Route(
    String deployment,
    String projectId,
    String projectName,
    Environment environment,
    int revision,
    ModelVersion stable,
    Optional<Split> candidate) {
  Route {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(projectName, "projectName is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(stable, "stable is null");
    requireNonNull(candidate, "candidate is null");
  }

  /** A candidate version with its share of the traffic. */
  record Split(ModelVersion version, RolloutMode mode, int percent, Optional<String> stickyKey) {
    Split {
      requireNonNull(version, "version is null");
      requireNonNull(mode, "mode is null");
      requireNonNull(stickyKey, "stickyKey is null");
    }
  }

  /** The version of this deployment numbered {@code number}: the stable one or the candidate. */
  Optional<ModelVersion> version(String number) {
    if (Integer.toString(stable.version()).equals(number)) {
      return Optional.of(stable);
    }
    return candidate.map(Split::version).filter(v -> Integer.toString(v.version()).equals(number));
  }
}
