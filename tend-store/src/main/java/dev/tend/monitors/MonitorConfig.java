package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a deployment's monitor watches, as last set; a deployment never set is watched with {@link
 * #defaults}.
 *
 * @param deployment the deployment's name
 * @param projectId the project the deployment belongs to
 * @param window the length of a window, at least {@link #MIN_WINDOW}
 * @param segmentColumn the input column whose values split every figure by segment, if any
 * @param referenceVersionId the dataset version whose profile drift is measured against; empty for
 *     the training data of the model version served
 * @param enabled whether the monitor ingests at all
 * @param updatedAt when the settings were last changed (the epoch for defaults)
 * @param updatedBy who changed them (empty for defaults)
 */
public record MonitorConfig(
    String deployment,
    String projectId,
    Duration window,
    Optional<String> segmentColumn,
    Optional<String> referenceVersionId,
    boolean enabled,
    Instant updatedAt,
    String updatedBy) {
  /** The window of a monitor never set. */
  public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);

  /** The shortest window: seconds, so tests and compressed-time demos can use it. */
  public static final Duration MIN_WINDOW = Duration.ofSeconds(1);

  public MonitorConfig {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(window, "window is null");
    requireNonNull(segmentColumn, "segmentColumn is null");
    requireNonNull(referenceVersionId, "referenceVersionId is null");
    requireNonNull(updatedAt, "updatedAt is null");
    requireNonNull(updatedBy, "updatedBy is null");
    if (window.compareTo(MIN_WINDOW) < 0 || window.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException(
          "a monitor window must be a whole number of seconds, at least 1s: " + window);
    }
    if (segmentColumn.isPresent() && segmentColumn.get().isBlank()) {
      throw new IllegalArgumentException("a segment column must not be blank");
    }
  }

  /** The settings of a deployment whose monitor was never set. */
  public static MonitorConfig defaults(String deployment, String projectId) {
    return new MonitorConfig(
        deployment,
        projectId,
        DEFAULT_WINDOW,
        Optional.empty(),
        Optional.empty(),
        true,
        Instant.EPOCH,
        "");
  }

  /** The start of the window {@code at} falls in: windows are aligned on the epoch. */
  public Instant windowStart(Instant at) {
    long millis = window.toMillis();
    return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), millis) * millis);
  }
}
