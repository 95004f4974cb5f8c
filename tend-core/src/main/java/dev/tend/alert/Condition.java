package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Optional;

/**
 * When one window of a series breaches a rule: against a fixed threshold, as a change from a
 * baseline, or as an anomaly against the series' own recent history.
 */
public sealed interface Condition {

  /** How many earlier windows of the series this condition reads (0 when it reads none). */
  int historyNeeded();

  /** A comparison with a fixed value. */
  enum Op {
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public boolean holds(double value, double threshold) {
      return switch (this) {
        case LT -> value < threshold;
        case LE -> value <= threshold;
        case GT -> value > threshold;
        case GE -> value >= threshold;
      };
    }

    /** The operator written as {@code <}, {@code <=}, {@code >} or {@code >=}. */
    public static Optional<Op> parse(String text) {
      for (Op op : values()) {
        if (op.symbol.equals(text.trim())) {
          return Optional.of(op);
        }
      }
      return Optional.empty();
    }
  }

  /** Which way a change or an anomaly counts. */
  enum Direction {
    UP,
    DOWN,
    EITHER;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a signed deviation of {@code delta} goes this way. */
    boolean counts(double delta) {
      return switch (this) {
        case UP -> delta > 0;
        case DOWN -> delta < 0;
        case EITHER -> delta != 0;
      };
    }
  }

  /** Breaches when {@code value op threshold} holds, such as {@code f1 < 0.5}. */
  record Threshold(Op op, double value) implements Condition {
    public Threshold {
      requireNonNull(op, "op is null");
      requireFinite(value, "threshold");
    }

    @Override
    public int historyNeeded() {
      return 0;
    }
  }

  /** What a change is measured from. */
  sealed interface Baseline {
    /** The mean of the series' previous {@code windows} windows. */
    record Previous(int windows) implements Baseline {
      public Previous {
        if (windows < 1 || windows > MAX_HISTORY) {
          throw new IllegalArgumentException(
              "baseline windows must be 1 to " + MAX_HISTORY + ", got " + windows);
        }
      }
    }

    /** The series' first window: for a model version, the first window after it was deployed. */
    record First() implements Baseline {}

    /** A fixed reference value, such as the offline evaluation's figure. */
    record Reference(double value) implements Baseline {
      public Reference {
        requireFinite(value, "reference");
      }
    }
  }

  /**
   * Breaches when the value moved from its baseline by at least {@code amount} in {@code
   * direction}: an absolute difference, or with {@code relative} a share of the baseline (0.2 is
   * 20%).
   */
  record Change(Baseline baseline, double amount, boolean relative, Direction direction)
      implements Condition {
    public Change {
      requireNonNull(baseline, "baseline is null");
      requireNonNull(direction, "direction is null");
      requireFinite(amount, "change amount");
      if (amount <= 0) {
        throw new IllegalArgumentException("a change amount must be more than 0, got " + amount);
      }
    }

    @Override
    public int historyNeeded() {
      return baseline instanceof Baseline.Previous p ? p.windows() : 0;
    }
  }

  /**
   * Breaches when the value's robust z-score against the previous {@code windows} windows (median
   * and median absolute deviation) reaches {@code z} in {@code direction}; silent until at least
   * {@code minHistory} earlier windows exist.
   */
  record Anomaly(int windows, int minHistory, double z, Direction direction) implements Condition {
    public Anomaly {
      requireNonNull(direction, "direction is null");
      if (windows < 3 || windows > MAX_HISTORY) {
        throw new IllegalArgumentException(
            "anomaly windows must be 3 to " + MAX_HISTORY + ", got " + windows);
      }
      if (minHistory < 3 || minHistory > windows) {
        throw new IllegalArgumentException(
            "min_history must be 3 to windows (" + windows + "), got " + minHistory);
      }
      requireFinite(z, "z");
      if (z <= 0) {
        throw new IllegalArgumentException("z must be more than 0, got " + z);
      }
    }

    @Override
    public int historyNeeded() {
      return windows;
    }
  }

  /** The most earlier windows a condition may read. */
  int MAX_HISTORY = 1_000;

  private static void requireFinite(double value, String what) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(what + " must be a finite number, got " + value);
    }
  }
}
