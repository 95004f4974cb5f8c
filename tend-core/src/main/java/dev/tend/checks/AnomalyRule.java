package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/** How far a metric may move against its history before an anomaly check fails. */
public sealed interface AnomalyRule permits AnomalyRule.Change, AnomalyRule.Deviation {

  /** Which moves count against a change limit. */
  enum Direction {
    INCREASE,
    DECREASE,
    ANY
  }

  /**
   * Change from the last run: relative (0.5 = 50% of the last value) and/or absolute. For example
   * "row count must not fall more than 50% below the last run" is {@code Change(DECREASE, 0.5)}.
   */
  record Change(Direction direction, OptionalDouble maxRelative, OptionalDouble maxAbsolute)
      implements AnomalyRule {
    public Change {
      requireNonNull(direction, "direction is null");
      requireNonNull(maxRelative, "maxRelative is null");
      requireNonNull(maxAbsolute, "maxAbsolute is null");
      if (maxRelative.isEmpty() && maxAbsolute.isEmpty()) {
        throw new IllegalArgumentException("a change rule needs a relative or absolute limit");
      }
      if (maxRelative.isPresent() && maxRelative.getAsDouble() < 0
          || maxAbsolute.isPresent() && maxAbsolute.getAsDouble() < 0) {
        throw new IllegalArgumentException("change limits must not be negative");
      }
    }
  }

  /**
   * The value must lie within mean ± k standard deviations of the last {@code lookback} runs; with
   * fewer than {@code minHistory} past runs the check passes and says so.
   */
  record Deviation(double k, int lookback, int minHistory) implements AnomalyRule {
    public Deviation {
      if (!(k > 0)) {
        throw new IllegalArgumentException("k must be positive");
      }
      if (lookback < 2 || minHistory < 2 || minHistory > lookback) {
        throw new IllegalArgumentException("need 2 <= min_history <= lookback");
      }
    }
  }
}
