package dev.tend.expr;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Evaluates an expression on one row in Java, with the semantics of the SQL the {@link SqlRenderer}
 * produces for DuckDB, so live inputs can be checked without a database. Stateless and thread-safe.
 *
 * <p>Semantics: SQL three-valued logic ({@code NULL} propagates through operators and most
 * functions; {@code AND}/{@code OR} ignore an unknown side when the other decides); {@code /}
 * always divides as doubles; {@code /} and {@code %} by zero give {@code NULL}; integer overflow is
 * an error; {@code round} rounds half away from zero; string functions count Unicode code points.
 * Results are null, {@link Boolean}, {@link Long}, {@link Double}, {@link String}, {@link
 * LocalDate} or {@link LocalDateTime}.
 */
public final class ExpressionEvaluator {
  /* Regular expressions run on a step budget, since java.util.regex backtracks. */
  private static final long REGEX_STEPS_PER_CHAR = 10_000;

  private final Row row;

  private ExpressionEvaluator(Row row) {
    this.row = row;
  }

  /**
   * The value of {@code expr} on {@code row}; null is SQL NULL.
   *
   * @throws ExpressionException for an unknown column, a type mismatch or an integer overflow
   */
  public static Object evaluate(Expr expr, Row row) {
    requireNonNull(expr, "expr is null");
    return new ExpressionEvaluator(requireNonNull(row, "row is null")).eval(expr);
  }

  /** The value of {@code expr} on a row given as a map from column name to value. */
  public static Object evaluate(Expr expr, Map<String, ?> row) {
    return evaluate(expr, Row.of(row));
  }

  /** True when the predicate {@code expr} is TRUE on {@code row}; false when FALSE or NULL. */
  public static boolean test(Expr expr, Row row) {
    Object value = evaluate(expr, row);
    if (value != null && !(value instanceof Boolean)) {
      throw new ExpressionException(
          "a rule or filter needs a boolean but the expression gave " + describe(value),
          expr.position());
    }
    return Boolean.TRUE.equals(value);
  }

  private Object eval(Expr expr) {
    return switch (expr) {
      case Expr.ColumnRef c -> column(c);
      case Expr.Literal l -> literal(l);
      case Expr.Not n -> not(bool(eval(n.operand()), n.operand(), "NOT"));
      case Expr.Negate n -> negate(eval(n.operand()), n);
      case Expr.IsNull n -> (eval(n.operand()) == null) != n.negated();
      case Expr.Binary b -> binary(b);
      case Expr.Between b -> between(b);
      case Expr.InList in -> in(in);
      case Expr.Like like -> like(like);
      case Expr.Call call -> call(call);
    };
  }

  private Object column(Expr.ColumnRef ref) {
    if (!row.has(ref.name())) {
      throw new ExpressionException(
          "unknown column '" + ref.name() + "': the row has no such column", ref.position());
    }
    Object value = row.get(ref.name());
    return switch (value) {
      case null -> null;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case BigInteger i -> {
        try {
          yield i.longValueExact();
        } catch (ArithmeticException e) {
          throw new ExpressionException(
              "column '" + ref.name() + "' holds " + i + ", beyond the integer range",
              ref.position());
        }
      }
      case Double d -> d;
      case Float f -> f.doubleValue();
      case BigDecimal d -> d.doubleValue();
      case String s -> s;
      case Character c -> c.toString();
      case LocalDate d -> d;
      case LocalDateTime t -> t;
      case Instant i -> LocalDateTime.ofInstant(i, ZoneOffset.UTC);
      case OffsetDateTime t -> t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
      case ZonedDateTime t -> t.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
      default ->
          throw new ExpressionException(
              "column '"
                  + ref.name()
                  + "' holds a "
                  + value.getClass().getName()
                  + ", which expressions cannot use",
              ref.position());
    };
  }

  private static Object literal(Expr.Literal literal) {
    Object value = literal.value();
    if (value == null) {
      return null;
    }
    if (literal.type().isTemporal()) {
      return Temporals.parse(value.toString(), literal.type())
          .orElseThrow(
              () ->
                  new ExpressionException(
                      "invalid " + literal.type().label() + " '" + value + "'",
                      literal.position()));
    }
    return value;
  }

  private static Boolean not(Boolean value) {
    return value == null ? null : !value;
  }

  private static Object negate(Object value, Expr.Negate node) {
    return switch (value) {
      case null -> null;
      case Long l -> exact(() -> Math.negateExact(l), "unary '-'", node.position());
      case Double d -> -d;
      default ->
          throw new ExpressionException(
              "unary '-' needs a number but found " + describe(value), node.position());
    };
  }

  private Object binary(Expr.Binary b) {
    if (b.op() == Expr.BinaryOp.AND || b.op() == Expr.BinaryOp.OR) {
      boolean decisive = b.op() == Expr.BinaryOp.OR;
      Boolean left = bool(eval(b.left()), b.left(), b.op().symbol());
      if (left != null && left == decisive) {
        return decisive;
      }
      Boolean right = bool(eval(b.right()), b.right(), b.op().symbol());
      if (right != null && right == decisive) {
        return decisive;
      }
      return left == null || right == null ? null : !decisive;
    }
    Object left = eval(b.left());
    Object right = eval(b.right());
    if (b.op().isComparison()) {
      if (left == null || right == null) {
        return null;
      }
      int order = compare(left, right, b);
      return switch (b.op()) {
        case EQ -> order == 0;
        case NE -> order != 0;
        case LT -> order < 0;
        case LE -> order <= 0;
        case GT -> order > 0;
        case GE -> order >= 0;
        default -> throw new IllegalStateException(b.op().name());
      };
    }
    return arithmetic(b.op(), left, right, b);
  }

  private static Object arithmetic(Expr.BinaryOp op, Object left, Object right, Expr node) {
    String operator = "'" + op.symbol() + "'";
    if (left != null && !(left instanceof Long || left instanceof Double)) {
      throw new ExpressionException(
          operator + " needs numbers but found " + describe(left), node.position());
    }
    if (right != null && !(right instanceof Long || right instanceof Double)) {
      throw new ExpressionException(
          operator + " needs numbers but found " + describe(right), node.position());
    }
    if (left == null || right == null) {
      return null;
    }
    if ((op == Expr.BinaryOp.DIV || op == Expr.BinaryOp.MOD) && toDouble(right) == 0) {
      return null;
    }
    if (left instanceof Long a && right instanceof Long b) {
      return switch (op) {
        case ADD -> exact(() -> Math.addExact(a, b), operator, node.position());
        case SUB -> exact(() -> Math.subtractExact(a, b), operator, node.position());
        case MUL -> exact(() -> Math.multiplyExact(a, b), operator, node.position());
        case DIV -> (double) a / (double) b;
        case MOD -> {
          if (a == Long.MIN_VALUE && b == -1) {
            throw new ExpressionException("integer overflow in '%'", node.position());
          }
          yield a % b;
        }
        default -> throw new IllegalStateException(op.name());
      };
    }
    double a = toDouble(left);
    double b = toDouble(right);
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case MOD -> a % b;
      default -> throw new IllegalStateException(op.name());
    };
  }

  private Object between(Expr.Between b) {
    Object value = eval(b.operand());
    Object low = eval(b.low());
    Object high = eval(b.high());
    Boolean aboveLow = value == null || low == null ? null : compare(value, low, b) >= 0;
    Boolean belowHigh = value == null || high == null ? null : compare(value, high, b) <= 0;
    Boolean inside;
    if (Boolean.FALSE.equals(aboveLow) || Boolean.FALSE.equals(belowHigh)) {
      inside = false;
    } else if (aboveLow == null || belowHigh == null) {
      inside = null;
    } else {
      inside = true;
    }
    return b.negated() ? not(inside) : inside;
  }

  private Object in(Expr.InList in) {
    Object value = eval(in.operand());
    boolean sawNull = false;
    Boolean found = false;
    for (Expr candidate : in.values()) {
      Object other = eval(candidate);
      if (value == null || other == null) {
        sawNull = true;
      } else if (compare(value, other, in) == 0) {
        found = true;
        break;
      }
    }
    if (!found && sawNull) {
      found = null;
    }
    return in.negated() ? not(found) : found;
  }

  private Object like(Expr.Like like) {
    String operator = like.caseInsensitive() ? "ILIKE" : "LIKE";
    String text = string(eval(like.operand()), like.operand(), operator);
    String pattern = string(eval(like.pattern()), like.pattern(), operator + " pattern");
    if (text == null || pattern == null) {
      return null;
    }
    if (like.caseInsensitive()) {
      text = lower(text);
      pattern = lower(pattern);
    }
    return likeMatches(text.codePoints().toArray(), pattern.codePoints().toArray())
        != like.negated();
  }

  /* Matches SQL LIKE wildcards without an escape character, backtracking only to the last '%'. */
  private static boolean likeMatches(int[] text, int[] pattern) {
    int i = 0;
    int j = 0;
    int star = -1;
    int mark = 0;
    while (i < text.length) {
      if (j < pattern.length && pattern[j] != '%' && (pattern[j] == '_' || pattern[j] == text[i])) {
        i++;
        j++;
      } else if (j < pattern.length && pattern[j] == '%') {
        star = j++;
        mark = i;
      } else if (star >= 0) {
        j = star + 1;
        i = ++mark;
      } else {
        return false;
      }
    }
    while (j < pattern.length && pattern[j] == '%') {
      j++;
    }
    return j == pattern.length;
  }

  private Object call(Expr.Call call) {
    BuiltinFunction function = BuiltinFunction.require(call.function(), call.position());
    List<Expr> args = call.args();
    function.checkArity(args.size(), call.position());
    String name = function.functionName() + "()";
    switch (function) {
      case COALESCE -> {
        for (Expr arg : args) {
          Object value = eval(arg);
          if (value != null) {
            return value;
          }
        }
        return null;
      }
      case LEAST, GREATEST -> {
        return extreme(call, function == BuiltinFunction.LEAST);
      }
      case CONCAT -> {
        StringBuilder text = new StringBuilder();
        for (Expr arg : args) {
          Object value = eval(arg);
          switch (value) {
            case null -> {}
            case String s -> text.append(s);
            case Long l -> text.append(l);
            case Boolean b -> text.append(b);
            case LocalDate d -> text.append(d);
            default ->
                throw new ExpressionException(
                    name
                        + " needs strings, integers, booleans or dates but found "
                        + describe(value),
                    arg.position());
          }
        }
        return text.toString();
      }
      default -> {}
    }
    Object[] values = new Object[args.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = eval(args.get(i));
      if (values[i] == null) {
        return null;
      }
    }
    Object first = values[0];
    Expr firstArg = args.get(0);
    return switch (function) {
      case ABS -> abs(first, firstArg, call);
      case ROUND -> round(call, values);
      case FLOOR -> Math.floor(number(first, firstArg, name));
      case CEIL -> Math.ceil(number(first, firstArg, name));
      case LENGTH ->
          (long) string(first, firstArg, name).codePointCount(0, ((String) first).length());
      case LOWER -> lower(string(first, firstArg, name));
      case UPPER -> upper(string(first, firstArg, name));
      case TRIM -> trimSpaces(string(first, firstArg, name));
      case SUBSTR -> substr(call, values);
      case STARTS_WITH ->
          string(first, firstArg, name).startsWith(string(values[1], args.get(1), name));
      case ENDS_WITH ->
          string(first, firstArg, name).endsWith(string(values[1], args.get(1), name));
      case CONTAINS -> string(first, firstArg, name).contains(string(values[1], args.get(1), name));
      case REGEXP_MATCHES ->
          regexpMatches(string(first, firstArg, name), string(values[1], args.get(1), name), call);
      case YEAR -> (long) temporal(first, firstArg, name).get(ChronoField.YEAR);
      case MONTH -> (long) temporal(first, firstArg, name).get(ChronoField.MONTH_OF_YEAR);
      case DAY -> (long) temporal(first, firstArg, name).get(ChronoField.DAY_OF_MONTH);
      case HOUR -> timePart(temporal(first, firstArg, name), ChronoField.HOUR_OF_DAY);
      case MINUTE -> timePart(temporal(first, firstArg, name), ChronoField.MINUTE_OF_HOUR);
      case DAY_OF_WEEK -> (long) temporal(first, firstArg, name).get(ChronoField.DAY_OF_WEEK);
      case CONFORMS ->
          Temporals.conforms(string(first, firstArg, name), BuiltinFunction.conformsType(call));
      case COALESCE, LEAST, GREATEST, CONCAT -> throw new IllegalStateException("handled above");
    };
  }

  private static Object abs(Object value, Expr arg, Expr.Call call) {
    if (value instanceof Long l) {
      return exact(() -> Math.absExact(l), "abs()", call.position());
    }
    return Math.abs(number(value, arg, "abs()"));
  }

  private Object extreme(Expr.Call call, boolean least) {
    Object best = null;
    boolean anyDouble = false;
    boolean anyTimestamp = false;
    for (Expr arg : call.args()) {
      Object value = eval(arg);
      if (value == null) {
        continue;
      }
      anyDouble |= value instanceof Double;
      anyTimestamp |= value instanceof LocalDateTime;
      if (best == null) {
        best = value;
      } else {
        int order = compare(value, best, arg);
        if (least ? order < 0 : order > 0) {
          best = value;
        }
      }
    }
    if (anyDouble && best instanceof Long l) {
      return l.doubleValue();
    }
    if (anyTimestamp && best instanceof LocalDate d) {
      return d.atStartOfDay();
    }
    return best;
  }

  private static Object round(Expr.Call call, Object[] values) {
    Object value = values[0];
    Expr arg = call.args().get(0);
    if (values.length == 1) {
      return value instanceof Long ? value : roundHalfAway(number(value, arg, "round()"));
    }
    if (!(values[1] instanceof Long digitsValue)) {
      throw new ExpressionException(
          "round() needs integer digits but found " + describe(values[1]),
          call.args().get(1).position());
    }
    if (digitsValue < Integer.MIN_VALUE || digitsValue > Integer.MAX_VALUE) {
      throw new ExpressionException(
          "round() digits " + digitsValue + " are out of range", call.args().get(1).position());
    }
    int digits = digitsValue.intValue();
    if (value instanceof Long l) {
      if (digits >= 0) {
        return l;
      }
      if (digits < -19) {
        return 0L;
      }
      BigDecimal rounded = BigDecimal.valueOf(l).setScale(digits, RoundingMode.HALF_UP);
      try {
        return rounded.longValueExact();
      } catch (ArithmeticException e) {
        throw new ExpressionException("integer overflow in round()", call.position());
      }
    }
    double x = number(value, arg, "round()");
    double rounded;
    if (digits < 0) {
      double modifier = Math.pow(10, -(double) digits);
      rounded = roundHalfAway(x / modifier) * modifier;
      return Double.isFinite(rounded) ? rounded : 0.0;
    }
    double modifier = Math.pow(10, digits);
    rounded = roundHalfAway(x * modifier) / modifier;
    return Double.isFinite(rounded) ? rounded : x;
  }

  /* C's round(): halves go away from zero, with no error for values near .5. */
  private static double roundHalfAway(double x) {
    if (!Double.isFinite(x)) {
      return x;
    }
    double truncated = x < 0 ? Math.ceil(x) : Math.floor(x);
    return Math.abs(x - truncated) >= 0.5 ? truncated + Math.signum(x) : truncated;
  }

  /* DuckDB's substring: 1-based start; 0 is one before the first character; a negative start
   * counts from the end; a negative length takes characters before the start. */
  private static String substr(Expr.Call call, Object[] values) {
    String text = string(values[0], call.args().get(0), "substr()");
    long start = integer(values[1], call.args().get(1), "substr()");
    boolean hasLength = values.length > 2;
    long length = hasLength ? integer(values[2], call.args().get(2), "substr()") : 0;
    long limit = 4_294_967_295L;
    if (Math.abs(start) > limit || Math.abs(length) > limit) {
      throw new ExpressionException(
          "substr() offsets beyond " + limit + " are not supported", call.position());
    }
    int[] codePoints = text.codePoints().toArray();
    long size = codePoints.length;
    long from = start > 0 ? start - 1 : start < 0 ? size + start : -1;
    long to;
    if (!hasLength) {
      to = size;
    } else if (length >= 0) {
      to = from + length;
    } else {
      to = from;
      from = from + length;
    }
    from = Math.clamp(from, 0, size);
    to = Math.clamp(to, 0, size);
    if (from >= to) {
      return "";
    }
    return new String(codePoints, (int) from, (int) (to - from));
  }

  private static boolean regexpMatches(String text, String regex, Expr.Call call) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new ExpressionException(
          "invalid regular expression '" + regex + "': " + e.getDescription(), call.position());
    }
    long budget = REGEX_STEPS_PER_CHAR * (text.length() + 1);
    try {
      return pattern.matcher(new BudgetedText(text, budget)).find();
    } catch (BudgetedText.Exhausted e) {
      throw new ExpressionException(
          "regular expression '" + regex + "' takes too long on a value of length " + text.length(),
          call.position());
    }
  }

  /** Text that stops a runaway regular expression after a number of character reads. */
  private static final class BudgetedText implements CharSequence {
    private static final class Exhausted extends RuntimeException {
      private static final long serialVersionUID = 1L;

      Exhausted() {
        super(null, null, false, false);
      }
    }

    private final String text;
    private final long[] remaining;

    BudgetedText(String text, long budget) {
      this(text, new long[] {budget});
    }

    private BudgetedText(String text, long[] remaining) {
      this.text = text;
      this.remaining = remaining;
    }

    @Override
    public char charAt(int index) {
      if (--remaining[0] < 0) {
        throw new Exhausted();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new BudgetedText(text.substring(start, end), remaining);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static long timePart(TemporalAccessor value, ChronoField field) {
    return value instanceof LocalDate ? 0L : value.get(field);
  }

  private static String lower(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(Character.toLowerCase(c)));
    return out.toString();
  }

  private static String upper(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(Character.toUpperCase(c)));
    return out.toString();
  }

  private static String trimSpaces(String text) {
    int from = 0;
    int to = text.length();
    while (from < to && text.charAt(from) == ' ') {
      from++;
    }
    while (to > from && text.charAt(to - 1) == ' ') {
      to--;
    }
    return text.substring(from, to);
  }

  /* Orders two non-null values of comparable types; numbers compare as DuckDB does (-0.0 equals
   * 0.0, NaN is largest and equal to itself), strings by code point. */
  private static int compare(Object left, Object right, Expr node) {
    if (left instanceof Long a && right instanceof Long b) {
      return Long.compare(a, b);
    }
    if ((left instanceof Long || left instanceof Double)
        && (right instanceof Long || right instanceof Double)) {
      double a = toDouble(left);
      double b = toDouble(right);
      return a == b ? 0 : Double.compare(a, b);
    }
    if (left instanceof String a && right instanceof String b) {
      return compareCodePoints(a, b);
    }
    if (left instanceof Boolean a && right instanceof Boolean b) {
      return Boolean.compare(a, b);
    }
    LocalDateTime a = timestamp(left);
    LocalDateTime b = timestamp(right);
    if (a != null && b != null && (isTemporal(left) || isTemporal(right))) {
      return a.compareTo(b);
    }
    throw new ExpressionException(
        "cannot compare " + describe(left) + " with " + describe(right), node.position());
  }

  private static boolean isTemporal(Object value) {
    return value instanceof LocalDate || value instanceof LocalDateTime;
  }

  private static LocalDateTime timestamp(Object value) {
    return switch (value) {
      case LocalDate d -> d.atStartOfDay();
      case LocalDateTime t -> t;
      case String s ->
          Temporals.parseDate(s)
              .map(LocalDate::atStartOfDay)
              .or(() -> Temporals.parseTimestamp(s))
              .orElse(null);
      default -> null;
    };
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }

  private static Boolean bool(Object value, Expr node, String context) {
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    throw new ExpressionException(
        context + " needs a boolean but found " + describe(value), node.position());
  }

  private static String string(Object value, Expr node, String context) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new ExpressionException(
        context + " needs a string but found " + describe(value), node.position());
  }

  private static double number(Object value, Expr node, String context) {
    if (value instanceof Long || value instanceof Double) {
      return toDouble(value);
    }
    throw new ExpressionException(
        context + " needs a number but found " + describe(value), node.position());
  }

  private static long integer(Object value, Expr node, String context) {
    if (value instanceof Long l) {
      return l;
    }
    throw new ExpressionException(
        context + " needs an integer but found " + describe(value), node.position());
  }

  private static TemporalAccessor temporal(Object value, Expr node, String context) {
    if (isTemporal(value)) {
      return (TemporalAccessor) value;
    }
    throw new ExpressionException(
        context + " needs a date or timestamp but found " + describe(value), node.position());
  }

  private static double toDouble(Object number) {
    return number instanceof Long l ? l.doubleValue() : (Double) number;
  }

  private interface LongOperation {
    long apply();
  }

  private static long exact(LongOperation operation, String operator, Expr.Position position) {
    try {
      return operation.apply();
    } catch (ArithmeticException e) {
      throw new ExpressionException("integer overflow in " + operator, position);
    }
  }

  private static String describe(Object value) {
    DataType type =
        switch (value) {
          case Boolean b -> DataType.BOOLEAN;
          case Long l -> DataType.INTEGER;
          case Double d -> DataType.DOUBLE;
          case String s -> DataType.STRING;
          case LocalDate d -> DataType.DATE;
          case LocalDateTime t -> DataType.TIMESTAMP;
          default -> DataType.OTHER;
        };
    String text = value.toString();
    if (text.length() > 30) {
      text = text.substring(0, 27) + "...";
    }
    return type.label() + " " + (value instanceof String ? "'" + text + "'" : text);
  }
}
