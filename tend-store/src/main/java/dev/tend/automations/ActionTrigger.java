package dev.tend.automations;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What started an action: a firing alert (its id, incident and rule) or a person; {@code actor} is
 * who ({@code alerting} for an alert), {@code reason} why in words.
 */
public record ActionTrigger(
    Kind kind,
    String actor,
    String reason,
    Optional<String> alertId,
    Optional<String> incidentId,
    Optional<String> rule) {
  public ActionTrigger {
    requireNonNull(kind, "kind is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(reason, "reason is null");
    requireNonNull(alertId, "alertId is null");
    requireNonNull(incidentId, "incidentId is null");
    requireNonNull(rule, "rule is null");
    if ((kind == Kind.ALERT) != alertId.isPresent()
        || alertId.isPresent() != incidentId.isPresent()) {
      throw new IllegalArgumentException(
          "an alert trigger, and only one, names its alert and incident");
    }
  }

  /** The kinds of trigger. */
  public enum Kind {
    ALERT,
    MANUAL
  }

  public static ActionTrigger manual(String actor, String reason) {
    return new ActionTrigger(
        Kind.MANUAL, actor, reason, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static ActionTrigger alert(String alertId, String incidentId, String rule, String reason) {
    return new ActionTrigger(
        Kind.ALERT,
        "alerting",
        reason,
        Optional.of(alertId),
        Optional.of(incidentId),
        Optional.of(rule));
  }
}
