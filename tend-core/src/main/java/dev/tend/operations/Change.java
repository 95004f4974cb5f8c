package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A change of a deployment's stable version: a deployment in the figures.
 *
 * @param kind {@code deploy} (the version was set directly) or {@code promote} (a rollout's
 *     candidate became stable)
 * @param previousVersionId the stable version before, absent for a deployment's first revision
 * @param revert whether the version was the deployment's stable version before: a rollback by
 *     re-pointing, counted as a failed change and left out of lead time
 * @param model the version's registry lineage, when the registry knows it
 * @param leadTimeSeconds from the push of the newest dataset version the model was trained on to
 *     this change; absent for a revert or when the lineage names no dataset version
 */
public record Change(
    String deployment,
    String environment,
    int revision,
    Instant at,
    String actor,
    boolean automated,
    String kind,
    String versionId,
    Optional<String> previousVersionId,
    boolean revert,
    Optional<ModelLineage> model,
    OptionalDouble leadTimeSeconds) {
  public Change {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(at, "at is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(versionId, "versionId is null");
    requireNonNull(previousVersionId, "previousVersionId is null");
    requireNonNull(model, "model is null");
    requireNonNull(leadTimeSeconds, "leadTimeSeconds is null");
  }
}
