package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * An incident with its time to detect ({@code opened_at - onset}) and time to recover ({@code
 * resolved_at - onset}) in seconds; each absent when the incident has no onset or is still open.
 */
public record IncidentFigure(
    IncidentSpan incident,
    OptionalDouble timeToDetectSeconds,
    OptionalDouble timeToRecoverSeconds) {
  public IncidentFigure {
    requireNonNull(incident, "incident is null");
    requireNonNull(timeToDetectSeconds, "timeToDetectSeconds is null");
    requireNonNull(timeToRecoverSeconds, "timeToRecoverSeconds is null");
  }
}
