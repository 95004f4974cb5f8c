package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * What a rule remembers of one series between windows.
 *
 * @param state where the rule stands
 * @param breaches consecutive breaching windows up to the last one seen
 * @param onset the start of the first window of the current run of breaches; set while pending or
 *     firing
 * @param lastWindowEnd the end of the newest window evaluated; windows ending no later are skipped,
 *     so evaluating a window twice changes nothing
 * @param acknowledged whether someone acknowledged the firing alert
 */
public record SeriesState(
    AlertState state,
    int breaches,
    Optional<Instant> onset,
    Optional<Instant> lastWindowEnd,
    boolean acknowledged) {
  /** A series never evaluated. */
  public static final SeriesState INITIAL =
      new SeriesState(AlertState.INACTIVE, 0, Optional.empty(), Optional.empty(), false);

  public SeriesState {
    requireNonNull(state, "state is null");
    requireNonNull(onset, "onset is null");
    requireNonNull(lastWindowEnd, "lastWindowEnd is null");
    if (breaches < 0) {
      throw new IllegalArgumentException("breaches must not be negative");
    }
    boolean open = state == AlertState.PENDING || state == AlertState.FIRING;
    if (open != onset.isPresent()) {
      throw new IllegalArgumentException("an onset is set exactly while pending or firing");
    }
    if (open && breaches == 0) {
      throw new IllegalArgumentException(state.label() + " needs at least one breach");
    }
    if (acknowledged && state != AlertState.FIRING) {
      throw new IllegalArgumentException("only a firing alert can be acknowledged");
    }
  }
}
