package dev.tend.expr;

import dev.tend.schema.DataType;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders a validated expression tree as SQL for an engine. Column names are always quoted as
 * identifiers and literals always escaped; no text of the original expression reaches the output,
 * so a suite cannot inject SQL. Every node is parenthesized, so precedence never depends on the
 * dialect.
 */
public final class SqlRenderer {
  private final SqlDialect dialect;

  private SqlRenderer(SqlDialect dialect) {
    this.dialect = dialect;
  }

  public static SqlRenderer of(SqlDialect dialect) {
    return new SqlRenderer(dialect);
  }

  /** Renders {@code expr}; an unknown function throws {@link ExpressionException}. */
  public String render(Expr expr) {
    return switch (expr) {
      case Expr.ColumnRef c -> quoteIdentifier(c.name());
      case Expr.Literal l -> literal(l);
      case Expr.Not n -> "(NOT " + render(n.operand()) + ")";
      case Expr.Negate n -> "(- " + render(n.operand()) + ")";
      case Expr.IsNull n ->
          "(" + render(n.operand()) + (n.negated() ? " IS NOT NULL)" : " IS NULL)");
      case Expr.Binary b ->
          "(" + render(b.left()) + " " + operator(b.op()) + " " + render(b.right()) + ")";
      case Expr.Between b ->
          "("
              + render(b.operand())
              + (b.negated() ? " NOT BETWEEN " : " BETWEEN ")
              + render(b.low())
              + " AND "
              + render(b.high())
              + ")";
      case Expr.InList in ->
          "("
              + render(in.operand())
              + (in.negated() ? " NOT IN (" : " IN (")
              + in.values().stream().map(this::render).collect(Collectors.joining(", "))
              + "))";
      case Expr.Like like ->
          "("
              + render(like.operand())
              + (like.negated() ? " NOT" : "")
              + (like.caseInsensitive() ? " ILIKE " : " LIKE ")
              + render(like.pattern())
              + ")";
      case Expr.Call call -> call(call);
    };
  }

  /** Quotes a name as an SQL identifier, doubling embedded quotes. */
  public static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** Quotes text as an SQL string literal, doubling embedded quotes. */
  public static String quoteString(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private String operator(Expr.BinaryOp op) {
    return switch (op) {
      case NE -> "<>";
      default -> op.symbol();
    };
  }

  private static String literal(Expr.Literal literal) {
    Object value = literal.value();
    if (value == null) {
      return "NULL";
    }
    return switch (literal.type()) {
      case DATE -> "DATE " + quoteString(value.toString());
      case TIMESTAMP -> "TIMESTAMP " + quoteString(value.toString());
      default ->
          switch (value) {
            case Boolean b -> b ? "TRUE" : "FALSE";
            case Long l -> l.toString();
            case Double d -> doubleLiteral(d);
            case String s -> quoteString(s);
            default -> throw new IllegalStateException("literal of " + value.getClass());
          };
    };
  }

  private static String doubleLiteral(double d) {
    if (Double.isNaN(d)) {
      return "CAST('NaN' AS DOUBLE PRECISION)";
    }
    if (Double.isInfinite(d)) {
      return d > 0
          ? "CAST('Infinity' AS DOUBLE PRECISION)"
          : "CAST('-Infinity' AS DOUBLE PRECISION)";
    }
    return "CAST(" + Double.toString(d) + " AS DOUBLE PRECISION)";
  }

  private String call(Expr.Call call) {
    List<String> args = call.args().stream().map(this::render).toList();
    String joined = String.join(", ", args);
    return switch (call.function()) {
      case "abs",
          "floor",
          "ceil",
          "round",
          "length",
          "lower",
          "upper",
          "trim",
          "coalesce",
          "least",
          "greatest",
          "concat",
          "starts_with" ->
          call.function() + "(" + joined + ")";
      case "substr" -> "substring(" + joined + ")";
      case "ends_with" ->
          dialect == SqlDialect.DUCKDB
              ? "ends_with(" + joined + ")"
              : "(right(" + args.get(0) + ", length(" + args.get(1) + ")) = " + args.get(1) + ")";
      case "contains" ->
          dialect == SqlDialect.DUCKDB
              ? "contains(" + joined + ")"
              : "(strpos(" + args.get(0) + ", " + args.get(1) + ") > 0)";
      case "regexp_matches" ->
          dialect == SqlDialect.DUCKDB
              ? "regexp_matches(" + joined + ")"
              : "(" + args.get(0) + " ~ " + args.get(1) + ")";
      case "year", "month", "day", "hour", "minute" ->
          "CAST(extract(" + call.function() + " FROM " + args.get(0) + ") AS BIGINT)";
      case "day_of_week" -> "CAST(extract(isodow FROM " + args.get(0) + ") AS BIGINT)";
      case "conforms" -> conforms(call, args.get(0));
      default ->
          throw new ExpressionException(
              "function '" + call.function() + "' is not allowed", call.position());
    };
  }

  private String conforms(Expr.Call call, String value) {
    if (!(call.args().get(1) instanceof Expr.Literal literal
        && literal.value() instanceof String typeName)) {
      throw new ExpressionException(
          "conforms() takes a type name as a string literal", call.position());
    }
    DataType type =
        DataType.parse(typeName)
            .orElseThrow(
                () ->
                    new ExpressionException(
                        "unknown type '" + typeName + "' in conforms()", call.position()));
    String sqlType =
        switch (type) {
          case BOOLEAN -> "BOOLEAN";
          case INTEGER -> "BIGINT";
          case DOUBLE -> "DOUBLE PRECISION";
          case DATE -> "DATE";
          case TIMESTAMP -> "TIMESTAMP";
          case STRING, OTHER -> "VARCHAR";
        };
    String text = "CAST(" + value + " AS VARCHAR)";
    String test =
        dialect == SqlDialect.DUCKDB
            ? "(TRY_CAST(" + text + " AS " + sqlType + ") IS NOT NULL)"
            : "(pg_input_is_valid("
                + text
                + ", "
                + quoteString(sqlType.toLowerCase(Locale.ROOT))
                + "))";
    return "(CASE WHEN " + value + " IS NULL THEN NULL ELSE " + test + " END)";
  }
}
