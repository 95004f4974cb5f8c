package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * One condition of a gate step: a metric of the candidate compared with a constant ({@code auc >=
 * 0.65}) or with the champion's metric plus an offset ({@code f1 >= champion.f1 + 0.01}).
 */
public record GateCondition(String metric, Comparison comparison, Operand right) {
  public GateCondition {
    requireNonNull(metric, "metric is null");
    requireNonNull(comparison, "comparison is null");
    requireNonNull(right, "right is null");
  }

  /** The comparison operators a condition may use. */
  public enum Comparison {
    GREATER_OR_EQUAL(">="),
    GREATER(">"),
    LESS_OR_EQUAL("<="),
    LESS("<"),
    EQUAL("==");

    private final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    /** Whether {@code left <op> right} holds. */
    public boolean test(double left, double right) {
      return switch (this) {
        case GREATER_OR_EQUAL -> left >= right;
        case GREATER -> left > right;
        case LESS_OR_EQUAL -> left <= right;
        case LESS -> left < right;
        case EQUAL -> left == right;
      };
    }
  }

  /** The right side of a condition. */
  public sealed interface Operand {}

  /** A fixed number. */
  public record Constant(double value) implements Operand {}

  /** The current champion's value of {@code metric}, plus {@code offset} (may be negative). */
  public record Champion(String metric, double offset) implements Operand {
    public Champion {
      requireNonNull(metric, "metric is null");
    }
  }

  /** Whether this condition needs a champion to compare with. */
  public boolean comparesWithChampion() {
    return right instanceof Champion;
  }

  @Override
  public String toString() {
    String rhs =
        switch (right) {
          case Constant c -> number(c.value());
          case Champion c ->
              "champion."
                  + c.metric()
                  + (c.offset() == 0
                      ? ""
                      : (c.offset() > 0 ? " + " : " - ") + number(Math.abs(c.offset())));
        };
    return metric + " " + comparison.symbol() + " " + rhs;
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Double.toString(value);
  }
}
