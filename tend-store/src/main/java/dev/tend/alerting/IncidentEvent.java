package dev.tend.alerting;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** One entry of an incident's append-only timeline. */
public record IncidentEvent(
    String incidentId,
    int seq,
    Kind kind,
    Optional<String> alertId,
    String detail,
    String actor,
    Instant at) {

  /** What happened. */
  public enum Kind {
    INCIDENT_OPENED,
    ALERT_FIRED,
    ALERT_REPEATED,
    ALERT_ACKNOWLEDGED,
    ALERT_RESOLVED,
    NOTIFICATION_DELIVERED,
    NOTIFICATION_FAILED,
    PIPELINE_RUN_QUEUED,
    COMMENT,
    INCIDENT_RESOLVED;

    /** The stored and wire name, such as {@code alert-fired}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Kind fromWireName(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  public IncidentEvent {
    requireNonNull(incidentId, "incidentId is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(alertId, "alertId is null");
    requireNonNull(detail, "detail is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(at, "at is null");
  }
}
