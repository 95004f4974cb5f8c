package dev.tend.expr;

import dev.tend.expr.Lexer.Kind;
import dev.tend.expr.Lexer.Token;
import dev.tend.schema.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recursive-descent parser, one method per precedence level: OR, AND, NOT, comparison, additive,
 * multiplicative, unary minus, primary.
 */
final class Parser {
  /*
   * depth counts open parentheses, prefix operators, call arguments and the length of each
   * left-deep operator chain being built, so it bounds the depth of the finished tree; every later
   * recursive walk (validation, evaluation, printing, rendering) is therefore bounded too.
   */
  private final List<Token> tokens;
  private int index;
  private int depth;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static Expr parse(String text) {
    if (text.length() > Expressions.MAX_LENGTH) {
      throw new ExpressionException(
          "expression is "
              + text.length()
              + " characters long; the limit is "
              + Expressions.MAX_LENGTH,
          new Expr.Position(1, 1));
    }
    Parser parser = new Parser(Lexer.tokenize(text));
    if (parser.peek().kind() == Kind.END) {
      throw new ExpressionException(
          "expected an expression but found nothing", parser.peek().position());
    }
    Expr expr = parser.expression();
    Token rest = parser.peek();
    if (rest.kind() != Kind.END) {
      throw parser.unexpected("an operator or end of expression");
    }
    return expr;
  }

  private Expr expression() {
    return or();
  }

  private Expr or() {
    int saved = depth;
    Expr left = and();
    while (peek().isKeyword("OR")) {
      next();
      enter();
      left = new Expr.Binary(Expr.BinaryOp.OR, left, and(), left.position());
    }
    depth = saved;
    return left;
  }

  private Expr and() {
    int saved = depth;
    Expr left = not();
    while (peek().isKeyword("AND")) {
      next();
      enter();
      left = new Expr.Binary(Expr.BinaryOp.AND, left, not(), left.position());
    }
    depth = saved;
    return left;
  }

  private Expr not() {
    if (!peek().isKeyword("NOT")) {
      return comparison();
    }
    Token not = next();
    enter();
    Expr operand = not();
    depth--;
    return new Expr.Not(operand, not.position());
  }

  private Expr comparison() {
    Expr left = additive();
    Token token = peek();
    Expr result;
    Expr.BinaryOp op = comparisonOperator(token);
    if (op != null) {
      next();
      result = new Expr.Binary(op, left, additive(), left.position());
    } else if (token.isKeyword("IS")) {
      next();
      boolean negated = accept("NOT");
      expectKeyword("NULL");
      result = new Expr.IsNull(left, negated, left.position());
    } else {
      boolean negated = false;
      if (token.isKeyword("NOT")) {
        next();
        negated = true;
        Token after = peek();
        if (!(after.isKeyword("BETWEEN")
            || after.isKeyword("IN")
            || after.isKeyword("LIKE")
            || after.isKeyword("ILIKE"))) {
          throw unexpected("BETWEEN, IN, LIKE or ILIKE after NOT");
        }
      }
      result = predicate(left, negated);
      if (result == null) {
        return left;
      }
    }
    if (comparisonOperator(peek()) != null) {
      throw new ExpressionException(
          "comparisons do not chain: found "
              + peek().describe()
              + " after a comparison; combine comparisons with AND",
          peek().position());
    }
    return result;
  }

  private Expr predicate(Expr left, boolean negated) {
    Token token = peek();
    if (token.isKeyword("BETWEEN")) {
      next();
      Expr low = additive();
      expectKeyword("AND");
      Expr high = additive();
      return new Expr.Between(left, low, high, negated, left.position());
    }
    if (token.isKeyword("IN")) {
      next();
      expectSymbol("(");
      enter();
      List<Expr> values = new ArrayList<>();
      do {
        values.add(expression());
      } while (acceptSymbol(","));
      expectSymbol(")");
      depth--;
      return new Expr.InList(left, values, negated, left.position());
    }
    if (token.isKeyword("LIKE") || token.isKeyword("ILIKE")) {
      next();
      return new Expr.Like(left, additive(), negated, token.isKeyword("ILIKE"), left.position());
    }
    return null;
  }

  private static Expr.BinaryOp comparisonOperator(Token token) {
    if (token.kind() != Kind.SYMBOL) {
      return null;
    }
    return switch (token.text()) {
      case "=", "==" -> Expr.BinaryOp.EQ;
      case "!=", "<>" -> Expr.BinaryOp.NE;
      case "<" -> Expr.BinaryOp.LT;
      case "<=" -> Expr.BinaryOp.LE;
      case ">" -> Expr.BinaryOp.GT;
      case ">=" -> Expr.BinaryOp.GE;
      default -> null;
    };
  }

  private Expr additive() {
    int saved = depth;
    Expr left = multiplicative();
    while (peek().isSymbol("+") || peek().isSymbol("-")) {
      Expr.BinaryOp op = next().text().equals("+") ? Expr.BinaryOp.ADD : Expr.BinaryOp.SUB;
      enter();
      left = new Expr.Binary(op, left, multiplicative(), left.position());
    }
    depth = saved;
    return left;
  }

  private Expr multiplicative() {
    int saved = depth;
    Expr left = unary();
    while (peek().isSymbol("*") || peek().isSymbol("/") || peek().isSymbol("%")) {
      Expr.BinaryOp op =
          switch (next().text()) {
            case "*" -> Expr.BinaryOp.MUL;
            case "/" -> Expr.BinaryOp.DIV;
            default -> Expr.BinaryOp.MOD;
          };
      enter();
      left = new Expr.Binary(op, left, unary(), left.position());
    }
    depth = saved;
    return left;
  }

  private Expr unary() {
    if (!peek().isSymbol("-")) {
      return primary();
    }
    Token minus = next();
    if (peek().kind() == Kind.NUMBER) {
      return number(next(), true, minus.position());
    }
    enter();
    Expr operand = unary();
    depth--;
    return new Expr.Negate(operand, minus.position());
  }

  private Expr primary() {
    Token token = peek();
    switch (token.kind()) {
      case NUMBER -> {
        next();
        return number(token, false, token.position());
      }
      case STRING -> {
        next();
        return new Expr.Literal(token.text(), DataType.STRING, token.position());
      }
      case QUOTED -> {
        next();
        return new Expr.ColumnRef(token.text(), token.position());
      }
      case WORD -> {
        return word();
      }
      case SYMBOL -> {
        if (token.isSymbol("(")) {
          next();
          enter();
          Expr inner = expression();
          expectSymbol(")");
          depth--;
          return inner;
        }
        throw unexpected("an operand (a column, a literal, a function call or '(')");
      }
      case END -> throw unexpected("an operand (a column, a literal, a function call or '(')");
    }
    throw new IllegalStateException("unreachable");
  }

  private Expr word() {
    Token token = next();
    String upper = token.text().toUpperCase(Locale.ROOT);
    switch (upper) {
      case "TRUE", "FALSE" -> {
        return new Expr.Literal(upper.equals("TRUE"), DataType.BOOLEAN, token.position());
      }
      case "NULL" -> {
        return new Expr.Literal(null, DataType.OTHER, token.position());
      }
      case "DATE", "TIMESTAMP" -> {
        // A typed literal only when a string follows; otherwise a column named date or timestamp.
        if (peek().kind() == Kind.STRING) {
          return temporal(token, DataType.valueOf(upper));
        }
        if (peek().isSymbol("(")) {
          return call(token);
        }
        return new Expr.ColumnRef(token.text(), token.position());
      }
      default -> {}
    }
    if (Lexer.KEYWORDS.contains(upper)) {
      index--;
      throw unexpected("an operand (a column, a literal, a function call or '(')");
    }
    if (peek().isSymbol("(")) {
      return call(token);
    }
    return new Expr.ColumnRef(token.text(), token.position());
  }

  private Expr temporal(Token keyword, DataType type) {
    Token text = peek();
    if (text.kind() != Kind.STRING) {
      String format = type == DataType.DATE ? "'yyyy-mm-dd'" : "'yyyy-mm-dd hh:mm:ss[.ffffff]'";
      throw new ExpressionException(
          "expected a quoted "
              + type.label()
              + " such as "
              + format
              + " after "
              + keyword.text().toUpperCase(Locale.ROOT)
              + " but found "
              + text.describe()
              + " (quote a column named "
              + keyword.text()
              + " as \""
              + keyword.text()
              + "\")",
          text.position());
    }
    next();
    if (Temporals.parse(text.text(), type).isEmpty()) {
      String format = type == DataType.DATE ? "yyyy-mm-dd" : "yyyy-mm-dd hh:mm:ss[.ffffff]";
      throw new ExpressionException(
          "invalid " + type.label() + " '" + text.text() + "'; expected a valid " + format,
          text.position());
    }
    return new Expr.Literal(text.text(), type, keyword.position());
  }

  private Expr call(Token name) {
    String function = name.text().toLowerCase(Locale.ROOT);
    BuiltinFunction builtin = BuiltinFunction.require(function, name.position());
    expectSymbol("(");
    enter();
    List<Expr> args = new ArrayList<>();
    if (!peek().isSymbol(")")) {
      do {
        args.add(expression());
      } while (acceptSymbol(","));
    }
    expectSymbol(")");
    depth--;
    builtin.checkArity(args.size(), name.position());
    return new Expr.Call(function, args, name.position());
  }

  private Expr.Literal number(Token token, boolean negative, Expr.Position position) {
    String text = token.text();
    boolean integral = text.chars().allMatch(c -> c >= '0' && c <= '9');
    if (integral) {
      try {
        return new Expr.Literal(
            Long.parseLong(negative ? "-" + text : text), DataType.INTEGER, position);
      } catch (NumberFormatException e) {
        throw new ExpressionException(
            "integer "
                + (negative ? "-" : "")
                + text
                + " is out of range; integers lie between -9223372036854775808 and"
                + " 9223372036854775807",
            position);
      }
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw new ExpressionException(
          "number " + text + " is too large for a double", token.position());
    }
    return new Expr.Literal(negative ? -value : value, DataType.DOUBLE, position);
  }

  private void enter() {
    depth++;
    if (depth > Expressions.MAX_DEPTH) {
      throw new ExpressionException(
          "expression nests deeper than " + Expressions.MAX_DEPTH + " levels", peek().position());
    }
  }

  private Token peek() {
    return tokens.get(index);
  }

  private Token next() {
    Token token = tokens.get(index);
    if (token.kind() != Kind.END) {
      index++;
    }
    return token;
  }

  private boolean accept(String keyword) {
    if (peek().isKeyword(keyword)) {
      next();
      return true;
    }
    return false;
  }

  private boolean acceptSymbol(String symbol) {
    if (peek().isSymbol(symbol)) {
      next();
      return true;
    }
    return false;
  }

  private void expectKeyword(String keyword) {
    if (!accept(keyword)) {
      throw unexpected(keyword);
    }
  }

  private void expectSymbol(String symbol) {
    if (!acceptSymbol(symbol)) {
      throw unexpected("'" + symbol + "'");
    }
  }

  private ExpressionException unexpected(String expected) {
    Token found = peek();
    return new ExpressionException(
        "expected " + expected + " but found " + found.describe(), found.position());
  }
}
