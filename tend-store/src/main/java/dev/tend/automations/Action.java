package dev.tend.automations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An automation action as stored. {@code seq} is what a change compares and sets; {@code
 * stateSince} is when it entered {@code state}. The run, versions (registry ids), gate figures
 * (JSON) and rollout revision fill in as it advances.
 */
public record Action(
    String id,
    String projectId,
    String policy,
    int policyVersion,
    String deployment,
    ActionState state,
    long seq,
    ActionTrigger trigger,
    Optional<String> pipelineRunId,
    Optional<String> championVersionId,
    Optional<String> challengerVersionId,
    Optional<String> gateJson,
    OptionalInt rolloutRevision,
    Optional<String> reason,
    Instant stateSince,
    Instant createdAt,
    Instant updatedAt,
    Optional<Instant> finishedAt) {
  public Action {
    requireNonNull(id, "id is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(policy, "policy is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(state, "state is null");
    requireNonNull(trigger, "trigger is null");
    requireNonNull(pipelineRunId, "pipelineRunId is null");
    requireNonNull(championVersionId, "championVersionId is null");
    requireNonNull(challengerVersionId, "challengerVersionId is null");
    requireNonNull(gateJson, "gateJson is null");
    requireNonNull(rolloutRevision, "rolloutRevision is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(stateSince, "stateSince is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
    requireNonNull(finishedAt, "finishedAt is null");
  }
}
