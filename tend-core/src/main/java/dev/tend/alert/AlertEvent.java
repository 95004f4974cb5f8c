package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Something that happened to an alert, as channels (webhook, Slack, e-mail, Alertmanager) deliver
 * it. One alert is one rule breached by one series (a deployment, version, segment and column); its
 * {@link #fingerprint()} stays the same for as long as it is open, so receivers de-duplicate.
 *
 * @param kind what happened
 * @param alertId the alert's id
 * @param incidentId the incident the alert belongs to
 * @param fingerprint stable per rule and series
 * @param project the project's name
 * @param rule the rule's name
 * @param severity such as {@code critical}, {@code warning} or {@code info}
 * @param labels the rule's labels plus {@code deployment}, {@code model_version}, {@code metric}
 *     and, where set, {@code segment} and {@code column}
 * @param summary one line for people, such as {@code f1 of flights-prod is 0.41 (below 0.5)}
 * @param description more lines for people (what was measured, since when, root cause hints)
 * @param value the latest value of the metric
 * @param startsAt when the condition began to hold (the first breaching window's start)
 * @param endsAt when it stopped holding; empty while firing
 * @param link where people can see the alert, when the server knows its public URL
 * @param rootCause why the alert fired, for quality, drift and performance alerts
 */
public record AlertEvent(
    Kind kind,
    String alertId,
    String incidentId,
    String fingerprint,
    String project,
    String rule,
    String severity,
    Map<String, String> labels,
    String summary,
    String description,
    OptionalDouble value,
    Instant startsAt,
    Optional<Instant> endsAt,
    Optional<String> link,
    Optional<RootCause> rootCause) {

  /** What happened to an alert. */
  public enum Kind {
    /** The rule's condition held for its duration: the alert opened. */
    FIRING,
    /** Still firing; sent again so receivers such as Alertmanager keep it active. */
    REPEAT,
    /** Someone acknowledged it; it stays open until it resolves. */
    ACKNOWLEDGED,
    /** The condition no longer holds: the alert closed. */
    RESOLVED
  }

  public AlertEvent {
    requireNonNull(kind, "kind is null");
    requireNonNull(alertId, "alertId is null");
    requireNonNull(incidentId, "incidentId is null");
    requireNonNull(fingerprint, "fingerprint is null");
    requireNonNull(project, "project is null");
    requireNonNull(rule, "rule is null");
    requireNonNull(severity, "severity is null");
    labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    requireNonNull(summary, "summary is null");
    requireNonNull(description, "description is null");
    requireNonNull(value, "value is null");
    requireNonNull(startsAt, "startsAt is null");
    requireNonNull(endsAt, "endsAt is null");
    requireNonNull(link, "link is null");
    requireNonNull(rootCause, "rootCause is null");
    if (kind == Kind.RESOLVED && endsAt.isEmpty()) {
      throw new IllegalArgumentException("a resolved alert needs endsAt");
    }
  }

  /** An event without a root cause. */
  public AlertEvent(
      Kind kind,
      String alertId,
      String incidentId,
      String fingerprint,
      String project,
      String rule,
      String severity,
      Map<String, String> labels,
      String summary,
      String description,
      OptionalDouble value,
      Instant startsAt,
      Optional<Instant> endsAt,
      Optional<String> link) {
    this(
        kind,
        alertId,
        incidentId,
        fingerprint,
        project,
        rule,
        severity,
        labels,
        summary,
        description,
        value,
        startsAt,
        endsAt,
        link,
        Optional.empty());
  }
}
