package dev.tend.automations;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * One step of an action: its next state (the same state to only note something), what it learnt
 * (each field kept as it was when empty), and the audit entry that tells of it.
 */
public record ActionChange(
    ActionState next,
    Optional<String> pipelineRunId,
    Optional<String> championVersionId,
    Optional<String> challengerVersionId,
    Optional<String> gateJson,
    OptionalInt rolloutRevision,
    Optional<String> reason,
    String auditKind,
    String actor,
    String detailJson) {
  public ActionChange {
    requireNonNull(next, "next is null");
    requireNonNull(pipelineRunId, "pipelineRunId is null");
    requireNonNull(championVersionId, "championVersionId is null");
    requireNonNull(challengerVersionId, "challengerVersionId is null");
    requireNonNull(gateJson, "gateJson is null");
    requireNonNull(rolloutRevision, "rolloutRevision is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(auditKind, "auditKind is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(detailJson, "detailJson is null");
  }

  /** A move to {@code next} and nothing else learnt. */
  public static ActionChange to(
      ActionState next, String auditKind, String actor, String detailJson) {
    return new ActionChange(
        next,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        OptionalInt.empty(),
        Optional.empty(),
        auditKind,
        actor,
        detailJson);
  }

  public ActionChange withRun(String runId) {
    return new ActionChange(
        next,
        Optional.of(runId),
        championVersionId,
        challengerVersionId,
        gateJson,
        rolloutRevision,
        reason,
        auditKind,
        actor,
        detailJson);
  }

  public ActionChange withChampion(String versionId) {
    return new ActionChange(
        next,
        pipelineRunId,
        Optional.of(versionId),
        challengerVersionId,
        gateJson,
        rolloutRevision,
        reason,
        auditKind,
        actor,
        detailJson);
  }

  public ActionChange withChallenger(String versionId) {
    return new ActionChange(
        next,
        pipelineRunId,
        championVersionId,
        Optional.of(versionId),
        gateJson,
        rolloutRevision,
        reason,
        auditKind,
        actor,
        detailJson);
  }

  public ActionChange withGate(String json) {
    return new ActionChange(
        next,
        pipelineRunId,
        championVersionId,
        challengerVersionId,
        Optional.of(json),
        rolloutRevision,
        reason,
        auditKind,
        actor,
        detailJson);
  }

  public ActionChange withRevision(int revision) {
    return new ActionChange(
        next,
        pipelineRunId,
        championVersionId,
        challengerVersionId,
        gateJson,
        OptionalInt.of(revision),
        reason,
        auditKind,
        actor,
        detailJson);
  }

  public ActionChange withReason(String text) {
    return new ActionChange(
        next,
        pipelineRunId,
        championVersionId,
        challengerVersionId,
        gateJson,
        rolloutRevision,
        Optional.of(text),
        auditKind,
        actor,
        detailJson);
  }
}
