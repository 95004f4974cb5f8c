package dev.tend.expr;

import dev.tend.schema.DataType;
import java.util.ArrayList;
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
      case Expr.Binary b -> binary(b);
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
              + (dialect == SqlDialect.POSTGRESQL ? " ESCAPE '')" : ")");
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

  /*
   * Division always divides as doubles, and division or remainder by zero is NULL on every
   * engine (DuckDB would give Infinity or an error, PostgreSQL an error).
   */
  private String binary(Expr.Binary b) {
    String left = render(b.left());
    String right = render(b.right());
    return switch (b.op()) {
      case NE -> "(" + left + " <> " + right + ")";
      case DIV ->
          dialect == SqlDialect.DUCKDB
              ? "(" + left + " / NULLIF(" + right + ", 0))"
              : "(CAST("
                  + left
                  + " AS DOUBLE PRECISION) / NULLIF(CAST("
                  + right
                  + " AS DOUBLE PRECISION), 0))";
      case MOD -> "(" + left + " % NULLIF(" + right + ", 0))";
      default -> "(" + left + " " + b.op().symbol() + " " + right + ")";
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
            case Long l -> "CAST(" + l + " AS BIGINT)";
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
    BuiltinFunction function = BuiltinFunction.require(call.function(), call.position());
    function.checkArity(call.args().size(), call.position());
    List<String> args = new ArrayList<>();
    for (int i = 0; i < call.args().size(); i++) {
      args.add(argument(function.param(i), call.args().get(i)));
    }
    String joined = String.join(", ", args);
    boolean duckdb = dialect == SqlDialect.DUCKDB;
    return switch (function) {
      case ABS, FLOOR, CEIL, LENGTH, LOWER, UPPER, COALESCE, LEAST, GREATEST, CONCAT, STARTS_WITH ->
          function.functionName() + "(" + joined + ")";
      case ROUND ->
          args.size() == 1
              ? "round(" + args.get(0) + ")"
              : "round(" + args.get(0) + ", CAST(" + args.get(1) + " AS INTEGER))";
      case TRIM -> "trim(" + args.get(0) + ", ' ')";
      case SUBSTR -> "substring(" + joined + ")";
      case ENDS_WITH ->
          duckdb
              ? "ends_with(" + joined + ")"
              : "(right(" + args.get(0) + ", length(" + args.get(1) + ")) = " + args.get(1) + ")";
      case CONTAINS ->
          duckdb
              ? "contains(" + joined + ")"
              : "(strpos(" + args.get(0) + ", " + args.get(1) + ") > 0)";
      case REGEXP_MATCHES ->
          duckdb ? "regexp_matches(" + joined + ")" : "(" + args.get(0) + " ~ " + args.get(1) + ")";
      case YEAR, MONTH, DAY, HOUR, MINUTE ->
          "CAST(extract(" + function.functionName() + " FROM " + args.get(0) + ") AS BIGINT)";
      case DAY_OF_WEEK -> "CAST(extract(isodow FROM " + args.get(0) + ") AS BIGINT)";
      case CONFORMS -> conforms(call, args.get(0));
    };
  }

  /*
   * Engines cannot pick an overload for an untyped NULL, so a NULL argument gets the parameter's
   * type (an untyped numeric NULL counts as an integer, as in ExpressionValidator); date-part functions read every argument as a timestamp, which keeps dates unchanged.
   */
  private String argument(BuiltinFunction.Param param, Expr arg) {
    String sql = render(arg);
    boolean untypedNull = arg instanceof Expr.Literal l && l.value() == null;
    String type =
        switch (param) {
          case NUMERIC, INTEGER -> untypedNull ? "BIGINT" : null;
          case STRING, TEXT -> untypedNull ? "VARCHAR" : null;
          case TEMPORAL -> "TIMESTAMP";
          case COMPARABLE, TYPE_NAME -> null;
        };
    return type == null ? sql : "CAST(" + sql + " AS " + type + ")";
  }

  /*
   * conforms() is a full match of the pattern Temporals uses in Java, plus an engine cast for
   * what a pattern cannot see (integer range, calendar dates), so engines and Java agree.
   */
  private String conforms(Expr.Call call, String value) {
    DataType type = BuiltinFunction.conformsType(call);
    String regex = Temporals.conformsRegex(type);
    String matches =
        dialect == SqlDialect.DUCKDB
            ? "regexp_full_match(" + value + ", " + quoteString(regex) + ")"
            : "(" + value + " ~ " + quoteString("^(?:" + regex + ")$") + ")";
    String sqlType =
        switch (type) {
          case INTEGER -> "BIGINT";
          case DATE -> "DATE";
          case TIMESTAMP -> "TIMESTAMP";
          default -> null;
        };
    String test = matches;
    if (sqlType != null) {
      test +=
          dialect == SqlDialect.DUCKDB
              ? " AND TRY_CAST(" + value + " AS " + sqlType + ") IS NOT NULL"
              : " AND pg_input_is_valid("
                  + value
                  + ", "
                  + quoteString(sqlType.toLowerCase(Locale.ROOT))
                  + ")";
    }
    return "(CASE WHEN " + value + " IS NULL THEN NULL ELSE (" + test + ") END)";
  }
}
