package dev.tend.alerting;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an alert opens with when its rule fires on a series.
 *
 * @param rootCause why it fired, as JSON ({@code dev.tend.alert.RootCause}), stored with the alert
 */
public record NewAlert(
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
    double value,
    Instant windowEnd,
    Duration repeatInterval,
    Optional<String> rootCause) {
  public NewAlert {
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
    requireNonNull(windowEnd, "windowEnd is null");
    requireNonNull(repeatInterval, "repeatInterval is null");
    requireNonNull(rootCause, "rootCause is null");
  }

  /** An alert opening without a root cause. */
  public NewAlert(
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
      double value,
      Instant windowEnd,
      Duration repeatInterval) {
    this(
        fingerprint,
        rule,
        deployment,
        modelVersion,
        segment,
        column,
        metric,
        severity,
        labels,
        summary,
        description,
        channels,
        onset,
        value,
        windowEnd,
        repeatInterval,
        Optional.empty());
  }
}
