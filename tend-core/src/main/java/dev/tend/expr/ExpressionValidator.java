package dev.tend.expr;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Names;
import dev.tend.schema.Schema;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks an expression tree against a dataset schema: columns exist, operators and functions get
 * arguments of fitting types, and a predicate is boolean. Stateless and thread-safe.
 *
 * <p>Type rules: integers and doubles mix freely (the result is a double); {@code /} always gives a
 * double; dates and timestamps compare with each other; a date or timestamp also compares with a
 * string literal that holds a valid date or timestamp (the literal is read as one); a bare {@code
 * NULL} fits anywhere. Columns of type {@code other} only support {@code IS [NOT] NULL}.
 */
public final class ExpressionValidator {
  private final Schema schema;

  private ExpressionValidator(Schema schema) {
    this.schema = schema;
  }

  /**
   * The type {@code expr} produces on rows of {@code schema}; a bare {@code NULL} gives {@link
   * DataType#OTHER}.
   *
   * @throws ExpressionException naming the first problem and its position
   */
  public static DataType typeOf(Expr expr, Schema schema) {
    requireNonNull(expr, "expr is null");
    DataType type = new ExpressionValidator(requireNonNull(schema, "schema is null")).infer(expr);
    return type == null ? DataType.OTHER : type;
  }

  /**
   * Checks that {@code expr} is a boolean predicate over {@code schema}, as rules and filters
   * require.
   *
   * @throws ExpressionException naming the first problem and its position
   */
  public static void checkPredicate(Expr expr, Schema schema) {
    requireNonNull(expr, "expr is null");
    new ExpressionValidator(requireNonNull(schema, "schema is null"))
        .expect(expr, DataType.BOOLEAN, "a rule or filter");
  }

  /* A null DataType below stands for the type of a bare NULL literal, which fits anywhere. */

  private DataType infer(Expr expr) {
    return switch (expr) {
      case Expr.ColumnRef c -> column(c);
      case Expr.Literal l -> l.value() == null ? null : l.type();
      case Expr.Not n -> {
        expect(n.operand(), DataType.BOOLEAN, "NOT");
        yield DataType.BOOLEAN;
      }
      case Expr.Negate n -> {
        DataType type = infer(n.operand());
        requireNumeric(n.operand(), type, "unary '-'");
        yield type == null ? DataType.INTEGER : type;
      }
      case Expr.IsNull n -> {
        infer(n.operand());
        yield DataType.BOOLEAN;
      }
      case Expr.Binary b -> binary(b);
      case Expr.Between b -> {
        DataType type = comparable(b.operand(), "BETWEEN");
        compare(b.operand(), type, b.low(), "BETWEEN");
        compare(b.operand(), type, b.high(), "BETWEEN");
        yield DataType.BOOLEAN;
      }
      case Expr.InList in -> {
        DataType type = comparable(in.operand(), "IN");
        for (Expr value : in.values()) {
          compare(in.operand(), type, value, "IN");
        }
        yield DataType.BOOLEAN;
      }
      case Expr.Like like -> {
        String operator = like.caseInsensitive() ? "ILIKE" : "LIKE";
        expect(like.operand(), DataType.STRING, operator);
        expect(like.pattern(), DataType.STRING, operator + " pattern");
        yield DataType.BOOLEAN;
      }
      case Expr.Call call -> call(call);
    };
  }

  private DataType column(Expr.ColumnRef ref) {
    return schema
        .column(ref.name())
        .map(Column::type)
        .orElseThrow(() -> new ExpressionException(unknownColumn(ref.name()), ref.position()));
  }

  private String unknownColumn(String name) {
    List<String> names = schema.names();
    if (names.isEmpty()) {
      return "unknown column '" + name + "'; the dataset has no columns";
    }
    Optional<String> closest = Names.closest(name, names);
    if (closest.isPresent()) {
      return "unknown column '" + name + "'; did you mean '" + closest.get() + "'?";
    }
    List<String> shown = names.size() > 12 ? names.subList(0, 12) : names;
    return "unknown column '"
        + name
        + "'; columns are "
        + String.join(", ", shown)
        + (names.size() > shown.size() ? ", ..." : "");
  }

  private DataType binary(Expr.Binary b) {
    if (b.op().isLogical()) {
      expect(b.left(), DataType.BOOLEAN, b.op().symbol());
      expect(b.right(), DataType.BOOLEAN, b.op().symbol());
      return DataType.BOOLEAN;
    }
    if (b.op().isComparison()) {
      DataType type = comparable(b.left(), "'" + b.op().symbol() + "'");
      compare(b.left(), type, b.right(), "'" + b.op().symbol() + "'");
      return DataType.BOOLEAN;
    }
    String operator = "'" + b.op().symbol() + "'";
    DataType left = infer(b.left());
    requireNumeric(b.left(), left, operator);
    DataType right = infer(b.right());
    requireNumeric(b.right(), right, operator);
    if (b.op() == Expr.BinaryOp.DIV) {
      return DataType.DOUBLE;
    }
    return left == DataType.DOUBLE || right == DataType.DOUBLE ? DataType.DOUBLE : DataType.INTEGER;
  }

  /** Infers the type of a comparison's left side and checks that it can be compared at all. */
  private DataType comparable(Expr expr, String operator) {
    DataType type = infer(expr);
    if (type == DataType.OTHER) {
      throw new ExpressionException(
          operator
              + " cannot compare "
              + describe(expr, type)
              + "; values of type other only support IS NULL",
          expr.position());
    }
    return type;
  }

  private void compare(Expr left, DataType leftType, Expr right, String operator) {
    DataType rightType = comparable(right, operator);
    if (leftType == null || rightType == null || sameGroup(leftType, rightType)) {
      return;
    }
    if (leftType.isTemporal() && isTemporalText(right, leftType)) {
      return;
    }
    if (rightType.isTemporal() && isTemporalText(left, rightType)) {
      return;
    }
    String hint =
        (leftType.isTemporal() && rightType == DataType.STRING)
                || (rightType.isTemporal() && leftType == DataType.STRING)
            ? "; compare with a literal such as DATE '2024-01-31' or TIMESTAMP '2024-01-31 12:00:00'"
            : "";
    throw new ExpressionException(
        operator
            + " cannot compare "
            + describe(left, leftType)
            + " with "
            + describe(right, rightType)
            + hint,
        right.position());
  }

  /**
   * A string literal holding a date (for a date) or a date or timestamp (for a timestamp). A date
   * compared with timestamp text is refused, since engines would cut the time off.
   */
  private static boolean isTemporalText(Expr expr, DataType temporal) {
    if (!(expr instanceof Expr.Literal l
        && l.type() == DataType.STRING
        && l.value() instanceof String text)) {
      return false;
    }
    if (Temporals.parseDate(text).isPresent()) {
      return true;
    }
    if (temporal == DataType.TIMESTAMP && Temporals.parseTimestamp(text).isPresent()) {
      return true;
    }
    throw new ExpressionException(
        "'"
            + text
            + "' is not a valid "
            + temporal.label()
            + "; write "
            + (temporal == DataType.DATE ? "yyyy-mm-dd" : "yyyy-mm-dd hh:mm:ss[.ffffff]"),
        expr.position());
  }

  private static boolean sameGroup(DataType a, DataType b) {
    return a == b || (a.isNumeric() && b.isNumeric()) || (a.isTemporal() && b.isTemporal());
  }

  private void expect(Expr expr, DataType expected, String context) {
    DataType type = infer(expr);
    if (type != null && type != expected) {
      throw new ExpressionException(
          context + " needs a " + expected.label() + " but found " + describe(expr, type),
          expr.position());
    }
  }

  private static void requireNumeric(Expr expr, DataType type, String operator) {
    if (type != null && !type.isNumeric()) {
      throw new ExpressionException(
          operator + " needs numbers but found " + describe(expr, type), expr.position());
    }
  }

  private DataType call(Expr.Call call) {
    BuiltinFunction function = BuiltinFunction.require(call.function(), call.position());
    List<Expr> args = call.args();
    function.checkArity(args.size(), call.position());
    DataType common = null;
    DataType firstType = null;
    Expr first = null;
    for (int i = 0; i < args.size(); i++) {
      Expr arg = args.get(i);
      String where = "argument " + (i + 1) + " of " + function.functionName() + "()";
      BuiltinFunction.Param param = function.param(i);
      if (param == BuiltinFunction.Param.TYPE_NAME) {
        BuiltinFunction.conformsType(call);
        continue;
      }
      DataType type = infer(arg);
      if (i == 0) {
        firstType = type;
      }
      if (type == null) {
        continue;
      }
      switch (param) {
        case NUMERIC -> requireNumeric(arg, type, where);
        case INTEGER, STRING -> {
          DataType expected =
              param == BuiltinFunction.Param.INTEGER ? DataType.INTEGER : DataType.STRING;
          if (type != expected) {
            throw new ExpressionException(
                where
                    + (expected == DataType.INTEGER ? " needs an " : " needs a ")
                    + expected.label()
                    + " but found "
                    + describe(arg, type),
                arg.position());
          }
        }
        case TEMPORAL -> {
          if (!type.isTemporal()) {
            throw new ExpressionException(
                where + " needs a date or timestamp but found " + describe(arg, type),
                arg.position());
          }
        }
        case TEXT -> {
          if (type == DataType.DOUBLE || type == DataType.TIMESTAMP || type == DataType.OTHER) {
            throw new ExpressionException(
                where
                    + " needs a string, integer, boolean or date but found "
                    + describe(arg, type),
                arg.position());
          }
        }
        case COMPARABLE -> {
          if (type == DataType.OTHER) {
            throw new ExpressionException(
                where + " cannot take " + describe(arg, type), arg.position());
          }
          if (common == null) {
            common = type;
            first = arg;
          } else if (!sameGroup(common, type)) {
            throw new ExpressionException(
                where
                    + " has type "
                    + type.label()
                    + ", which does not mix with "
                    + describe(first, common),
                arg.position());
          } else if (common != type) {
            common = common.isNumeric() ? DataType.DOUBLE : DataType.TIMESTAMP;
          }
        }
        case TYPE_NAME -> throw new IllegalStateException("handled above");
      }
    }
    if (function == BuiltinFunction.REGEXP_MATCHES
        && args.get(1) instanceof Expr.Literal l
        && l.value() instanceof String pattern) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new ExpressionException(
            "invalid regular expression '" + pattern + "': " + e.getDescription(), l.position());
      }
    }
    return switch (function.result()) {
      case BOOLEAN -> DataType.BOOLEAN;
      case INTEGER -> DataType.INTEGER;
      case DOUBLE -> DataType.DOUBLE;
      case STRING -> DataType.STRING;
      case FIRST -> firstType == null ? DataType.INTEGER : firstType;
      case COMMON -> common;
    };
  }

  private static String describe(Expr expr, DataType type) {
    String text = Expressions.format(expr);
    if (text.length() > 40) {
      text = text.substring(0, 37) + "...";
    }
    return text + " (" + (type == null ? "null" : type.label()) + ")";
  }
}
