package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import dev.tend.monitors.MonitorCursor.FeedbackPosition;
import dev.tend.monitors.MonitorCursor.Position;
import java.util.List;
import java.util.Optional;

/**
 * What one ingest step changes, all or nothing: window sketches and counts, and where the cursors
 * move to.
 *
 * @param deployment the deployment's name
 * @param seenVersion the cursor's version the batch was read against; the batch is refused when
 *     another change came first
 * @param position where the prediction cursor moves, if it moves
 * @param feedback where the feedback cursor moves, if it moves
 * @param windows what each window gains
 */
public record IngestBatch(
    String deployment,
    long seenVersion,
    Optional<Position> position,
    Optional<FeedbackPosition> feedback,
    List<WindowChange> windows) {
  public IngestBatch {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(position, "position is null");
    requireNonNull(feedback, "feedback is null");
    windows = List.copyOf(windows);
    for (WindowChange change : windows) {
      if (!change.key().deployment().equals(deployment)) {
        throw new IllegalArgumentException(
            "a batch of " + deployment + " changes a window of " + change.key().deployment());
      }
    }
  }
}
