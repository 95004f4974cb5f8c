package dev.tend.alerting;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One alert: a rule breached by one series, from firing until resolved.
 *
 * @param onset the start of the first breaching window
 * @param firedAt when the alert opened (the rule's {@code for} was met)
 * @param lastValue the newest value of the metric seen while open
 * @param lastWindowEnd the end of the newest window seen while open
 * @param lastSentAt when the alert was last sent to its channels, for repeats
 * @param rootCause why it fired ({@code dev.tend.alert.RootCause} as JSON), for quality, drift and
 *     performance alerts whose report could be built
 */
public record Alert(
    String id,
    String projectId,
    String fingerprint,
    String rule,
    String deployment,
    String modelVersion,
    String segment,
    String column,
    String metric,
    String severity,
    Map<String, String> labels,
    String summary,
    String description,
    List<String> channels,
    Instant onset,
    Instant firedAt,
    Optional<Instant> acknowledgedAt,
    Optional<String> acknowledgedBy,
    Optional<Instant> resolvedAt,
    double lastValue,
    Instant lastWindowEnd,
    Duration repeatInterval,
    Instant lastSentAt,
    String incidentId,
    Optional<String> rootCause) {
  /** {@link #state()} of an open alert nobody acknowledged. */
  public static final String FIRING = "firing";

  /** {@link #state()} of an open alert someone acknowledged. */
  public static final String ACKNOWLEDGED = "acknowledged";

  /** {@link #state()} of a closed alert. */
  public static final String RESOLVED = "resolved";

  public Alert {
    requireNonNull(id, "id is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(fingerprint, "fingerprint is null");
    requireNonNull(rule, "rule is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(segment, "segment is null");
    requireNonNull(column, "column is null");
    requireNonNull(metric, "metric is null");
    requireNonNull(severity, "severity is null");
    labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    requireNonNull(summary, "summary is null");
    requireNonNull(description, "description is null");
    channels = List.copyOf(requireNonNull(channels, "channels is null"));
    requireNonNull(onset, "onset is null");
    requireNonNull(firedAt, "firedAt is null");
    requireNonNull(acknowledgedAt, "acknowledgedAt is null");
    requireNonNull(acknowledgedBy, "acknowledgedBy is null");
    requireNonNull(resolvedAt, "resolvedAt is null");
    requireNonNull(lastWindowEnd, "lastWindowEnd is null");
    requireNonNull(repeatInterval, "repeatInterval is null");
    requireNonNull(lastSentAt, "lastSentAt is null");
    requireNonNull(incidentId, "incidentId is null");
    requireNonNull(rootCause, "rootCause is null");
  }

  /** {@link #FIRING}, {@link #ACKNOWLEDGED} or {@link #RESOLVED}. */
  public String state() {
    if (resolvedAt.isPresent()) {
      return RESOLVED;
    }
    return acknowledgedAt.isPresent() ? ACKNOWLEDGED : FIRING;
  }

  public boolean open() {
    return resolvedAt.isEmpty();
  }

  /** Time to detect: from the first breaching window's start until the alert fired. */
  public Duration timeToDetect() {
    return Duration.between(onset, firedAt);
  }

  /** Time to recover: from the first breaching window's start until the alert resolved. */
  public Optional<Duration> timeToRecover() {
    return resolvedAt.map(r -> Duration.between(onset, r));
  }

  /** How long the alert was open: from firing until it resolved. */
  public Optional<Duration> firedToResolved() {
    return resolvedAt.map(r -> Duration.between(firedAt, r));
  }
}
