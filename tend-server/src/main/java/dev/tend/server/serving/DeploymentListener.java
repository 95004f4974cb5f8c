package dev.tend.server.serving;

/**
 * Told after a deployment's traffic changed in the store (created, re-pointed, a rollout started,
 * promoted or rolled back), so that the serving path reloads its routes for it at once rather than
 * at its next periodic refresh. Thread-safe.
 */
@FunctionalInterface
public interface DeploymentListener {
  /** The named deployment changed or was created. */
  void changed(String deployment);
}
