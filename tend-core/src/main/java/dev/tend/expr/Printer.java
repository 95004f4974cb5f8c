package dev.tend.expr;

import dev.tend.schema.DataType;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Prints a tree as canonical expression text with the fewest parentheses that keep its shape, so
 * that parsing the text gives the same tree back.
 */
final class Printer {
  private static final Pattern BARE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /* Precedence levels, matching the parser's methods from loosest to tightest. */
  private static final int OR = 1;
  private static final int AND = 2;
  private static final int NOT = 3;
  private static final int COMPARISON = 4;
  private static final int ADDITIVE = 5;
  private static final int MULTIPLICATIVE = 6;
  private static final int UNARY = 7;
  private static final int PRIMARY = 8;

  private Printer() {}

  static String print(Expr expr) {
    return switch (expr) {
      case Expr.ColumnRef c -> identifier(c.name());
      case Expr.Literal l -> literal(l);
      case Expr.Not n -> "NOT " + operand(n.operand(), NOT);
      case Expr.Negate n -> "-" + negated(n.operand());
      case Expr.IsNull n ->
          operand(n.operand(), ADDITIVE) + (n.negated() ? " IS NOT NULL" : " IS NULL");
      case Expr.Binary b -> binary(b);
      case Expr.Between b ->
          operand(b.operand(), ADDITIVE)
              + (b.negated() ? " NOT BETWEEN " : " BETWEEN ")
              + operand(b.low(), ADDITIVE)
              + " AND "
              + operand(b.high(), ADDITIVE);
      case Expr.InList in ->
          operand(in.operand(), ADDITIVE)
              + (in.negated() ? " NOT IN (" : " IN (")
              + in.values().stream().map(Printer::print).collect(Collectors.joining(", "))
              + ")";
      case Expr.Like like ->
          operand(like.operand(), ADDITIVE)
              + (like.negated() ? " NOT" : "")
              + (like.caseInsensitive() ? " ILIKE " : " LIKE ")
              + operand(like.pattern(), ADDITIVE);
      case Expr.Call call ->
          call.function()
              + "("
              + call.args().stream().map(Printer::print).collect(Collectors.joining(", "))
              + ")";
    };
  }

  /** Quotes a column name unless it is a plain word that is not a keyword. */
  static String identifier(String name) {
    if (BARE.matcher(name).matches() && !Lexer.KEYWORDS.contains(name.toUpperCase(Locale.ROOT))) {
      return name;
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static String binary(Expr.Binary b) {
    int level = precedence(b);
    if (b.op().isComparison()) {
      return operand(b.left(), ADDITIVE)
          + " "
          + b.op().symbol()
          + " "
          + operand(b.right(), ADDITIVE);
    }
    return operand(b.left(), level) + " " + b.op().symbol() + " " + operand(b.right(), level + 1);
  }

  /** A negated operand: a number right after the minus would read as a negative literal. */
  private static String negated(Expr operand) {
    boolean number =
        operand instanceof Expr.Literal l
            && (l.value() instanceof Long || l.value() instanceof Double);
    if (number || operand instanceof Expr.Negate || precedence(operand) < UNARY) {
      return "(" + print(operand) + ")";
    }
    return print(operand);
  }

  private static String operand(Expr expr, int minimum) {
    String text = print(expr);
    return precedence(expr) < minimum ? "(" + text + ")" : text;
  }

  private static int precedence(Expr expr) {
    return switch (expr) {
      case Expr.ColumnRef c -> PRIMARY;
      case Expr.Literal l ->
          (l.value() instanceof Long n && n < 0)
                  || (l.value() instanceof Double d && (d < 0 || isNegativeZero(d)))
              ? UNARY
              : PRIMARY;
      case Expr.Call c -> PRIMARY;
      case Expr.Negate n -> UNARY;
      case Expr.Not n -> NOT;
      case Expr.IsNull n -> COMPARISON;
      case Expr.Between b -> COMPARISON;
      case Expr.InList in -> COMPARISON;
      case Expr.Like like -> COMPARISON;
      case Expr.Binary b ->
          switch (b.op()) {
            case OR -> OR;
            case AND -> AND;
            case EQ, NE, LT, LE, GT, GE -> COMPARISON;
            case ADD, SUB -> ADDITIVE;
            case MUL, DIV, MOD -> MULTIPLICATIVE;
          };
    };
  }

  private static boolean isNegativeZero(double d) {
    return Double.doubleToRawLongBits(d) == Double.doubleToRawLongBits(-0.0);
  }

  private static String literal(Expr.Literal literal) {
    Object value = literal.value();
    if (value == null) {
      return "NULL";
    }
    if (literal.type() == DataType.DATE || literal.type() == DataType.TIMESTAMP) {
      return literal.type().name() + " " + string(value.toString());
    }
    return switch (value) {
      case Boolean b -> b ? "TRUE" : "FALSE";
      case Long l -> l.toString();
      case Double d -> {
        if (!Double.isFinite(d)) {
          throw new ExpressionException(
              "the expression language has no literal for " + d, literal.position());
        }
        yield d.toString();
      }
      case String s -> string(s);
      default -> throw new IllegalStateException("literal of " + value.getClass());
    };
  }

  private static String string(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
