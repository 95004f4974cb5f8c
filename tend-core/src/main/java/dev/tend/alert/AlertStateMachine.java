package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The pure state machine of one rule on one series: each new window's verdict moves {@link
 * SeriesState} and says what changed. Inactive or resolved becomes pending on a breach, pending
 * becomes firing once {@code for} consecutive windows breached (at once when {@code for} is 1), a
 * window that does not breach clears pending and resolves firing. Windows no newer than the last
 * one seen change nothing, so replays and several evaluators are harmless.
 */
public final class AlertStateMachine {
  private AlertStateMachine() {}

  /** What a step did. */
  public enum Change {
    /** Nothing an alert needs to hear: an old window, or no change of state. */
    NONE,
    /** A first breach, fewer than {@code for} so far. */
    PENDING,
    /** Pending went back to inactive before firing. */
    CLEARED,
    /** The alert opened. */
    FIRED,
    /** Still firing; the breach goes on. */
    STILL_FIRING,
    /** The alert closed. */
    RESOLVED
  }

  /** The state after a window, and what changed. */
  public record Step(SeriesState next, Change change) {
    public Step {
      requireNonNull(next, "next is null");
      requireNonNull(change, "change is null");
    }
  }

  /**
   * Applies one window's verdict to {@code state}; {@code forWindows} is the rule's {@code for}.
   */
  public static Step step(SeriesState state, RuleEvaluation.Verdict verdict, int forWindows) {
    requireNonNull(state, "state is null");
    requireNonNull(verdict, "verdict is null");
    if (forWindows < 1) {
      throw new IllegalArgumentException("for must be at least 1");
    }
    if (state.lastWindowEnd().isPresent()
        && !verdict.point().windowEnd().isAfter(state.lastWindowEnd().get())) {
      return new Step(state, Change.NONE);
    }
    var seen = Optional.of(verdict.point().windowEnd());
    if (verdict.breached()) {
      int breaches = state.breaches() + 1;
      var onset = Optional.of(state.onset().orElse(verdict.point().windowStart()));
      return switch (state.state()) {
        case FIRING ->
            new Step(
                new SeriesState(AlertState.FIRING, breaches, onset, seen, state.acknowledged()),
                Change.STILL_FIRING);
        case INACTIVE, RESOLVED, PENDING -> {
          if (breaches >= forWindows) {
            yield new Step(
                new SeriesState(AlertState.FIRING, breaches, onset, seen, false), Change.FIRED);
          }
          yield new Step(
              new SeriesState(AlertState.PENDING, breaches, onset, seen, false),
              state.state() == AlertState.PENDING ? Change.NONE : Change.PENDING);
        }
      };
    }
    return switch (state.state()) {
      case FIRING ->
          new Step(
              new SeriesState(AlertState.RESOLVED, 0, Optional.empty(), seen, false),
              Change.RESOLVED);
      case PENDING ->
          new Step(
              new SeriesState(AlertState.INACTIVE, 0, Optional.empty(), seen, false),
              Change.CLEARED);
      case INACTIVE, RESOLVED ->
          new Step(new SeriesState(state.state(), 0, Optional.empty(), seen, false), Change.NONE);
    };
  }

  /**
   * The state of a firing alert once acknowledged.
   *
   * @throws IllegalStateException when the series is not firing
   */
  public static SeriesState acknowledge(SeriesState state) {
    if (state.state() != AlertState.FIRING) {
      throw new IllegalStateException(
          "only a firing alert can be acknowledged; this one is " + state.state().label());
    }
    return new SeriesState(
        AlertState.FIRING, state.breaches(), state.onset(), state.lastWindowEnd(), true);
  }
}
