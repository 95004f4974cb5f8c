package dev.tend.expr;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;
import java.util.List;

/**
 * A node of the safe expression language used by rules and {@code where} filters.
 *
 * <p>Expressions are parsed into this tree, validated against an allow-list of operators and
 * functions and against the dataset schema, and then rendered by each engine; text from a suite is
 * never pasted into SQL.
 */
public sealed interface Expr
    permits Expr.ColumnRef,
        Expr.Literal,
        Expr.Not,
        Expr.Negate,
        Expr.IsNull,
        Expr.Binary,
        Expr.Between,
        Expr.InList,
        Expr.Like,
        Expr.Call {

  /** Where the node starts in the expression text; {@link Position#NONE} when built in code. */
  Position position();

  /** A 1-based line and column inside the expression text. */
  record Position(int line, int column) {
    public static final Position NONE = new Position(0, 0);

    public boolean isKnown() {
      return line > 0;
    }
  }

  /** Binary operators, from lowest to highest precedence group. */
  enum BinaryOp {
    OR("OR"),
    AND("AND"),
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    ADD("+"),
    SUB("-"),
    MUL("*"),
    DIV("/"),
    MOD("%");

    private final String symbol;

    BinaryOp(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public boolean isLogical() {
      return this == OR || this == AND;
    }

    public boolean isComparison() {
      return ordinal() >= EQ.ordinal() && ordinal() <= GE.ordinal();
    }

    public boolean isArithmetic() {
      return ordinal() >= ADD.ordinal();
    }
  }

  record ColumnRef(String name, Position position) implements Expr {
    public ColumnRef {
      requireNonNull(name, "name is null");
      requireNonNull(position, "position is null");
    }
  }

  /**
   * A constant. {@code value} is null (SQL NULL), a {@link Boolean}, a {@link Long}, a {@link
   * Double} or a {@link String}; date and timestamp literals hold their ISO text.
   */
  record Literal(Object value, DataType type, Position position) implements Expr {
    public Literal {
      requireNonNull(type, "type is null");
      requireNonNull(position, "position is null");
      if (value != null
          && !(value instanceof Boolean
              || value instanceof Long
              || value instanceof Double
              || value instanceof String)) {
        throw new IllegalArgumentException("unsupported literal type: " + value.getClass());
      }
      if (value != null && !fits(value, type)) {
        throw new IllegalArgumentException(
            "a literal of type " + type.label() + " cannot hold a " + value.getClass().getName());
      }
    }

    private static boolean fits(Object value, DataType type) {
      return switch (type) {
        case BOOLEAN -> value instanceof Boolean;
        case INTEGER -> value instanceof Long;
        case DOUBLE -> value instanceof Double;
        case STRING, DATE, TIMESTAMP -> value instanceof String;
        case OTHER -> false;
      };
    }
  }

  record Not(Expr operand, Position position) implements Expr {
    public Not {
      requireNonNull(operand, "operand is null");
      requireNonNull(position, "position is null");
    }
  }

  record Negate(Expr operand, Position position) implements Expr {
    public Negate {
      requireNonNull(operand, "operand is null");
      requireNonNull(position, "position is null");
    }
  }

  /** {@code operand IS NULL}, or {@code IS NOT NULL} when negated. */
  record IsNull(Expr operand, boolean negated, Position position) implements Expr {
    public IsNull {
      requireNonNull(operand, "operand is null");
      requireNonNull(position, "position is null");
    }
  }

  record Binary(BinaryOp op, Expr left, Expr right, Position position) implements Expr {
    public Binary {
      requireNonNull(op, "op is null");
      requireNonNull(left, "left is null");
      requireNonNull(right, "right is null");
      requireNonNull(position, "position is null");
    }
  }

  /** {@code operand [NOT] BETWEEN low AND high}, bounds inclusive. */
  record Between(Expr operand, Expr low, Expr high, boolean negated, Position position)
      implements Expr {
    public Between {
      requireNonNull(operand, "operand is null");
      requireNonNull(low, "low is null");
      requireNonNull(high, "high is null");
      requireNonNull(position, "position is null");
    }
  }

  record InList(Expr operand, List<Expr> values, boolean negated, Position position)
      implements Expr {
    public InList {
      requireNonNull(operand, "operand is null");
      values = List.copyOf(requireNonNull(values, "values is null"));
      requireNonNull(position, "position is null");
    }
  }

  /** {@code operand [NOT] LIKE|ILIKE pattern} with SQL wildcards {@code %} and {@code _}. */
  record Like(
      Expr operand, Expr pattern, boolean negated, boolean caseInsensitive, Position position)
      implements Expr {
    public Like {
      requireNonNull(operand, "operand is null");
      requireNonNull(pattern, "pattern is null");
      requireNonNull(position, "position is null");
    }
  }

  /** A call of an allow-listed function, named in lower case. */
  record Call(String function, List<Expr> args, Position position) implements Expr {
    public Call {
      requireNonNull(function, "function is null");
      args = List.copyOf(requireNonNull(args, "args is null"));
      requireNonNull(position, "position is null");
    }
  }

  static ColumnRef column(String name) {
    return new ColumnRef(name, Position.NONE);
  }

  static Literal literal(Object value) {
    DataType type =
        switch (value) {
          case null -> DataType.OTHER;
          case Boolean b -> DataType.BOOLEAN;
          case Long l -> DataType.INTEGER;
          case Integer i -> DataType.INTEGER;
          case Double d -> DataType.DOUBLE;
          case String s -> DataType.STRING;
          default -> throw new IllegalArgumentException("unsupported literal: " + value);
        };
    Object normalized = value instanceof Integer i ? Long.valueOf(i) : value;
    return new Literal(normalized, type, Position.NONE);
  }

  static Expr and(Expr left, Expr right) {
    return new Binary(BinaryOp.AND, left, right, Position.NONE);
  }

  static Expr or(Expr left, Expr right) {
    return new Binary(BinaryOp.OR, left, right, Position.NONE);
  }

  static Expr not(Expr operand) {
    return new Not(operand, Position.NONE);
  }

  static Expr isNull(Expr operand) {
    return new IsNull(operand, false, Position.NONE);
  }

  static Expr isNotNull(Expr operand) {
    return new IsNull(operand, true, Position.NONE);
  }

  static Expr call(String function, Expr... args) {
    return new Call(function, List.of(args), Position.NONE);
  }
}
