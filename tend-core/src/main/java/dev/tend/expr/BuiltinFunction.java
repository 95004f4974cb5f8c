package dev.tend.expr;

import dev.tend.schema.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The allow-list of functions an expression may call, with arity and argument and result types. The
 * parser, validator, evaluator and SQL renderer all read this one table.
 */
public enum BuiltinFunction {
  ABS("abs(number)", 1, 1, Result.FIRST, Param.NUMERIC),
  ROUND("round(number[, digits])", 1, 2, Result.FIRST, Param.NUMERIC, Param.INTEGER),
  FLOOR("floor(number)", 1, 1, Result.DOUBLE, Param.NUMERIC),
  CEIL("ceil(number)", 1, 1, Result.DOUBLE, Param.NUMERIC),
  LEAST("least(a, b, ...)", 2, Integer.MAX_VALUE, Result.COMMON, Param.COMPARABLE),
  GREATEST("greatest(a, b, ...)", 2, Integer.MAX_VALUE, Result.COMMON, Param.COMPARABLE),
  COALESCE("coalesce(a, ...)", 1, Integer.MAX_VALUE, Result.COMMON, Param.COMPARABLE),
  LENGTH("length(text)", 1, 1, Result.INTEGER, Param.STRING),
  LOWER("lower(text)", 1, 1, Result.STRING, Param.STRING),
  UPPER("upper(text)", 1, 1, Result.STRING, Param.STRING),
  TRIM("trim(text)", 1, 1, Result.STRING, Param.STRING),
  SUBSTR(
      "substr(text, start[, length])",
      2,
      3,
      Result.STRING,
      Param.STRING,
      Param.INTEGER,
      Param.INTEGER),
  CONCAT("concat(a, ...)", 1, Integer.MAX_VALUE, Result.STRING, Param.TEXT),
  STARTS_WITH("starts_with(text, prefix)", 2, 2, Result.BOOLEAN, Param.STRING, Param.STRING),
  ENDS_WITH("ends_with(text, suffix)", 2, 2, Result.BOOLEAN, Param.STRING, Param.STRING),
  CONTAINS("contains(text, part)", 2, 2, Result.BOOLEAN, Param.STRING, Param.STRING),
  REGEXP_MATCHES("regexp_matches(text, pattern)", 2, 2, Result.BOOLEAN, Param.STRING, Param.STRING),
  YEAR("year(time)", 1, 1, Result.INTEGER, Param.TEMPORAL),
  MONTH("month(time)", 1, 1, Result.INTEGER, Param.TEMPORAL),
  DAY("day(time)", 1, 1, Result.INTEGER, Param.TEMPORAL),
  HOUR("hour(time)", 1, 1, Result.INTEGER, Param.TEMPORAL),
  MINUTE("minute(time)", 1, 1, Result.INTEGER, Param.TEMPORAL),
  DAY_OF_WEEK("day_of_week(time)", 1, 1, Result.INTEGER, Param.TEMPORAL),
  CONFORMS("conforms(text, 'type')", 2, 2, Result.BOOLEAN, Param.STRING, Param.TYPE_NAME);

  /** What an argument must be. */
  public enum Param {
    /** An integer or a double. */
    NUMERIC,
    INTEGER,
    STRING,
    /** A date or a timestamp. */
    TEMPORAL,
    /** Any comparable type; all such arguments of one call must be comparable with each other. */
    COMPARABLE,
    /** A string, integer, boolean or date, converted to text. */
    TEXT,
    /** A string literal naming a type for {@code conforms}. */
    TYPE_NAME
  }

  /** How the result type follows from the arguments. */
  public enum Result {
    BOOLEAN,
    INTEGER,
    DOUBLE,
    STRING,
    /** The type of the first argument. */
    FIRST,
    /** The common type of all arguments. */
    COMMON
  }

  /** Types {@code conforms} can test for. */
  public static final List<DataType> CONFORMS_TYPES =
      List.of(
          DataType.INTEGER, DataType.DOUBLE, DataType.BOOLEAN, DataType.DATE, DataType.TIMESTAMP);

  private final String usage;
  private final int minArgs;
  private final int maxArgs;
  private final Result result;
  private final List<Param> params;

  BuiltinFunction(String usage, int minArgs, int maxArgs, Result result, Param... params) {
    this.usage = usage;
    this.minArgs = minArgs;
    this.maxArgs = maxArgs;
    this.result = result;
    this.params = List.of(params);
  }

  /** The lower-case name used in expressions. */
  public String functionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A short usage line, for example {@code round(number[, digits])}. */
  public String usage() {
    return usage;
  }

  public int minArgs() {
    return minArgs;
  }

  /** The largest number of arguments, {@link Integer#MAX_VALUE} for variadic functions. */
  public int maxArgs() {
    return maxArgs;
  }

  public Result result() {
    return result;
  }

  /** What argument {@code index} (0-based) must be; variadic functions repeat the last one. */
  public Param param(int index) {
    return params.get(Math.min(index, params.size() - 1));
  }

  /** The function called {@code name} (exact, lower case), if it is allowed. */
  public static Optional<BuiltinFunction> lookup(String name) {
    return Arrays.stream(values()).filter(f -> f.functionName().equals(name)).findFirst();
  }

  /** Looks {@code name} up or throws an error listing the allowed functions. */
  public static BuiltinFunction require(String name, Expr.Position position) {
    return lookup(name)
        .orElseThrow(
            () ->
                new ExpressionException(
                    "function '" + name + "' is not allowed; allowed: " + allowedNames(),
                    position));
  }

  /** The allowed function names, comma-separated, in declaration order. */
  public static String allowedNames() {
    return Arrays.stream(values())
        .map(BuiltinFunction::functionName)
        .collect(Collectors.joining(", "));
  }

  /** Throws when {@code count} arguments do not fit this function. */
  public void checkArity(int count, Expr.Position position) {
    if (count >= minArgs && count <= maxArgs) {
      return;
    }
    String expected;
    if (maxArgs == Integer.MAX_VALUE) {
      expected = "at least " + minArgs + (minArgs == 1 ? " argument" : " arguments");
    } else if (minArgs == maxArgs) {
      expected = minArgs + (minArgs == 1 ? " argument" : " arguments");
    } else {
      expected = minArgs + " or " + maxArgs + " arguments";
    }
    throw new ExpressionException(
        functionName() + "() takes " + expected + " but was given " + count + "; usage: " + usage,
        position);
  }

  /** The type named by the second argument of a {@code conforms} call. */
  static DataType conformsType(Expr.Call call) {
    Expr arg = call.args().get(1);
    if (!(arg instanceof Expr.Literal literal
        && literal.type() == DataType.STRING
        && literal.value() instanceof String name)) {
      throw new ExpressionException(
          "conforms() takes the type name as a string literal, for example 'integer'",
          arg.position());
    }
    return DataType.parse(name)
        .filter(CONFORMS_TYPES::contains)
        .orElseThrow(
            () ->
                new ExpressionException(
                    "conforms() cannot test for type '"
                        + name
                        + "'; use one of "
                        + CONFORMS_TYPES.stream()
                            .map(t -> "'" + t.label() + "'")
                            .collect(Collectors.joining(", ")),
                    arg.position()));
  }
}
