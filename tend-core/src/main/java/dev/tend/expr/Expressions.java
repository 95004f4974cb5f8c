package dev.tend.expr;

import static java.util.Objects.requireNonNull;

/**
 * Entry point of the expression language: parses rule and filter text into an {@link Expr} tree and
 * prints trees back as canonical text. Stateless and thread-safe.
 */
public final class Expressions {
  /** The longest expression text accepted, in characters. */
  public static final int MAX_LENGTH = 20_000;

  /** The deepest nesting accepted (parentheses, operators, arguments). */
  public static final int MAX_DEPTH = 200;

  private Expressions() {}

  /**
   * Parses {@code text}. Keywords are case-insensitive, function names are stored in lower case,
   * and every node carries the position where it starts.
   *
   * @throws ExpressionException with the position of the first problem
   */
  public static Expr parse(String text) {
    return Parser.parse(requireNonNull(text, "text is null"));
  }

  /** Prints {@code expr} as canonical text that {@link #parse} turns back into an equal tree. */
  public static String format(Expr expr) {
    return Printer.print(requireNonNull(expr, "expr is null"));
  }

  /** The same tree with every position set to {@link Expr.Position#NONE}, to compare shapes. */
  public static Expr withoutPositions(Expr expr) {
    Expr.Position none = Expr.Position.NONE;
    return switch (expr) {
      case Expr.ColumnRef c -> new Expr.ColumnRef(c.name(), none);
      case Expr.Literal l -> new Expr.Literal(l.value(), l.type(), none);
      case Expr.Not n -> new Expr.Not(withoutPositions(n.operand()), none);
      case Expr.Negate n -> new Expr.Negate(withoutPositions(n.operand()), none);
      case Expr.IsNull n -> new Expr.IsNull(withoutPositions(n.operand()), n.negated(), none);
      case Expr.Binary b ->
          new Expr.Binary(b.op(), withoutPositions(b.left()), withoutPositions(b.right()), none);
      case Expr.Between b ->
          new Expr.Between(
              withoutPositions(b.operand()),
              withoutPositions(b.low()),
              withoutPositions(b.high()),
              b.negated(),
              none);
      case Expr.InList in ->
          new Expr.InList(
              withoutPositions(in.operand()),
              in.values().stream().map(Expressions::withoutPositions).toList(),
              in.negated(),
              none);
      case Expr.Like like ->
          new Expr.Like(
              withoutPositions(like.operand()),
              withoutPositions(like.pattern()),
              like.negated(),
              like.caseInsensitive(),
              none);
      case Expr.Call call ->
          new Expr.Call(
              call.function(),
              call.args().stream().map(Expressions::withoutPositions).toList(),
              none);
    };
  }
}
