package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One line of a run's log. {@code seq} increases within a run, so a reader follows a log by asking
 * for lines after the last one it saw; {@code stream} is {@code stdout}, {@code stderr} or {@code
 * tend} (the runner's own lines).
 */
public record LogLine(long seq, String stepId, Instant at, String stream, String text) {
  public LogLine {
    requireNonNull(stepId, "stepId is null");
    requireNonNull(at, "at is null");
    requireNonNull(stream, "stream is null");
    requireNonNull(text, "text is null");
  }
}
