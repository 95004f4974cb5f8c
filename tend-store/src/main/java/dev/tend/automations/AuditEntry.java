package dev.tend.automations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One entry of an action's append-only audit trail; {@code detailJson} is a JSON object. */
public record AuditEntry(
    String actionId, int seq, String kind, Instant at, String actor, String detailJson) {
  public AuditEntry {
    requireNonNull(actionId, "actionId is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(at, "at is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(detailJson, "detailJson is null");
  }
}
