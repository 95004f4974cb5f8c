package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A deployment's rollout in progress: the revision that put its candidate in, the policy judging
 * it, and how its windows went so far. {@code failingStreak} counts consecutive failing windows;
 * {@code bakeEndsAt} moves to a failing window's end plus the bake time. {@code windowsEvaluated}
 * is also the compare-and-set token of {@link DeploymentRepository#recordWindow}.
 */
public record Rollout(
    String deploymentId,
    String deploymentName,
    int revision,
    RolloutState state,
    RolloutPolicy policy,
    Instant startedAt,
    String startedBy,
    Instant bakeEndsAt,
    int windowsEvaluated,
    int windowsFailed,
    int failingStreak,
    Optional<Instant> lastWindowEnd,
    Optional<String> lastVerdict) {
  public Rollout {
    requireNonNull(deploymentId, "deploymentId is null");
    requireNonNull(deploymentName, "deploymentName is null");
    requireNonNull(state, "state is null");
    requireNonNull(policy, "policy is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(startedBy, "startedBy is null");
    requireNonNull(bakeEndsAt, "bakeEndsAt is null");
    requireNonNull(lastWindowEnd, "lastWindowEnd is null");
    requireNonNull(lastVerdict, "lastVerdict is null");
  }
}
