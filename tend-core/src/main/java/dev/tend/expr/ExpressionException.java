package dev.tend.expr;

import static java.util.Objects.requireNonNull;

/**
 * An expression that cannot be parsed, uses something outside the allow-list, or does not fit the
 * dataset's schema. Carries the position inside the expression text.
 */
public class ExpressionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Expr.Position position;

  public ExpressionException(String message, Expr.Position position) {
    super(message);
    this.position = requireNonNull(position, "position is null");
  }

  public Expr.Position position() {
    return position;
  }

  /** The message with the position, for example {@code line 1, column 7: unknown column 'x'}. */
  public String describe() {
    return position.isKnown()
        ? "line " + position.line() + ", column " + position.column() + ": " + getMessage()
        : getMessage();
  }
}
