package dev.tend.alerting;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** An incident and its onset: the earliest onset of its alerts (empty if it has none). */
public record IncidentOnset(Incident incident, Optional<Instant> onset) {
  public IncidentOnset {
    requireNonNull(incident, "incident is null");
    requireNonNull(onset, "onset is null");
  }
}
