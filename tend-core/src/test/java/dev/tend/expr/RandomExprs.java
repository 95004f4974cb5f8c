package dev.tend.expr;

import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Random expression trees for property tests: any shape for printer and parser round trips, and
 * well-typed trees over {@link #SCHEMA} for differential tests against an engine.
 */
public final class RandomExprs {
  /** The columns well-typed trees use; the string column's name needs quoting everywhere. */
  public static final Schema SCHEMA =
      Schema.of(
          new Column("i", DataType.INTEGER, "BIGINT"),
          new Column("j", DataType.INTEGER, "INTEGER"),
          new Column("d", DataType.DOUBLE, "DOUBLE"),
          new Column("s \"x'", DataType.STRING, "VARCHAR"),
          new Column("t", DataType.TIMESTAMP, "TIMESTAMP"),
          new Column("dt", DataType.DATE, "DATE"),
          new Column("b", DataType.BOOLEAN, "BOOLEAN"));

  static final String STRING_COLUMN = "s \"x'";

  /** Text values for string columns and literals, chosen to hit edge cases of every function. */
  public static final List<String> STRINGS =
      List.of(
          "",
          "a",
          "A b",
          " pad ",
          "abc",
          "ABC",
          "O'Neil",
          "x%y",
          "_",
          "12",
          "-7",
          "+3",
          "3.5",
          "1e3",
          ".5",
          "true",
          "FALSE",
          "2024-02-29",
          "2023-02-29",
          "2024-01-02 03:04:05",
          "2024-01-02T03:04:05.5",
          "99999999999999999999",
          "h\u00e9llo",
          "tab\there",
          "a\"b");

  private static final List<String> PATTERNS =
      List.of("%", "a%", "%b%", "_", "__", "A%", "%'%", "x\\%y", "%e_l%", "", "O%N%");
  private static final List<String> REGEXES = List.of("b", "^a", "[0-9]+", "c$", "l+o", "^$");
  private static final List<String> COLUMN_NAMES =
      List.of(
          "a",
          "distance",
          "Mixed_Case9",
          "_x",
          "with space",
          "x\"; DROP TABLE t; --",
          "AND",
          "date",
          "null",
          "o'q",
          "\u00e9t\u00e9");
  private static final List<String> DATES = List.of("2024-01-01", "2024-02-29", "1999-12-31");
  private static final List<String> TIMESTAMPS =
      List.of("2024-01-01 00:00:00", "2024-02-29 13:45:10", "2023-06-30 23:59:59.123456");

  private RandomExprs() {}

  /** Trees of any shape, well-typed or not, with awkward names and literals. */
  public static Arbitrary<Expr> anyTrees() {
    return Arbitraries.randomValue(random -> anyTree(random, random.nextInt(6)));
  }

  /** Well-typed boolean predicates over {@link #SCHEMA}. */
  public static Arbitrary<Expr> predicates() {
    return Arbitraries.randomValue(
        random -> new Typed(random).of(DataType.BOOLEAN, 1 + random.nextInt(4)));
  }

  /** Well-typed expressions of a random type over {@link #SCHEMA}. */
  public static Arbitrary<Expr> typedExpressions() {
    return Arbitraries.randomValue(
        random -> {
          DataType[] types = {
            DataType.BOOLEAN,
            DataType.INTEGER,
            DataType.DOUBLE,
            DataType.STRING,
            DataType.TIMESTAMP,
            DataType.DATE
          };
          return new Typed(random).of(types[random.nextInt(types.length)], random.nextInt(4));
        });
  }

  static Expr anyTree(Random random, int depth) {
    if (depth == 0 || random.nextInt(4) == 0) {
      return anyLeaf(random);
    }
    Expr.Position none = Expr.Position.NONE;
    return switch (random.nextInt(8)) {
      case 0 -> new Expr.Not(anyTree(random, depth - 1), none);
      case 1 -> new Expr.Negate(anyTree(random, depth - 1), none);
      case 2 -> new Expr.IsNull(anyTree(random, depth - 1), random.nextBoolean(), none);
      case 3 ->
          new Expr.Between(
              anyTree(random, depth - 1),
              anyTree(random, depth - 1),
              anyTree(random, depth - 1),
              random.nextBoolean(),
              none);
      case 4 -> {
        List<Expr> values = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int k = 0; k < count; k++) {
          values.add(anyTree(random, depth - 1));
        }
        yield new Expr.InList(anyTree(random, depth - 1), values, random.nextBoolean(), none);
      }
      case 5 ->
          new Expr.Like(
              anyTree(random, depth - 1),
              anyTree(random, depth - 1),
              random.nextBoolean(),
              random.nextBoolean(),
              none);
      case 6 -> {
        BuiltinFunction[] functions = BuiltinFunction.values();
        BuiltinFunction function = functions[random.nextInt(functions.length)];
        int max = Math.min(function.maxArgs(), function.minArgs() + 2);
        int count = function.minArgs() + random.nextInt(max - function.minArgs() + 1);
        List<Expr> args = new ArrayList<>();
        for (int k = 0; k < count; k++) {
          args.add(anyTree(random, depth - 1));
        }
        yield new Expr.Call(function.functionName(), args, none);
      }
      default -> {
        Expr.BinaryOp[] ops = Expr.BinaryOp.values();
        yield new Expr.Binary(
            ops[random.nextInt(ops.length)],
            anyTree(random, depth - 1),
            anyTree(random, depth - 1),
            none);
      }
    };
  }

  private static Expr anyLeaf(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> Expr.column(COLUMN_NAMES.get(random.nextInt(COLUMN_NAMES.size())));
      case 1 ->
          Expr.literal(
              switch (random.nextInt(4)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                default -> random.nextLong() >> random.nextInt(64);
              });
      case 2 -> {
        double[] specials = {0.0, -0.0, 1e-300, -1.5e300, Double.MIN_VALUE, Double.MAX_VALUE};
        yield Expr.literal(
            random.nextBoolean()
                ? specials[random.nextInt(specials.length)]
                : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20));
      }
      case 3 -> Expr.literal(STRINGS.get(random.nextInt(STRINGS.size())) + "'\n");
      case 4 -> Expr.literal(random.nextBoolean());
      case 5 -> Expr.literal(null);
      case 6 -> new Expr.Literal(pick(random, DATES), DataType.DATE, Expr.Position.NONE);
      case 7 -> new Expr.Literal(pick(random, TIMESTAMPS), DataType.TIMESTAMP, Expr.Position.NONE);
      default -> Expr.column(STRING_COLUMN);
    };
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** Builds trees of a requested type, so the validator accepts them. */
  private static final class Typed {
    private static final Expr.Position NONE = Expr.Position.NONE;
    private final Random random;

    Typed(Random random) {
      this.random = random;
    }

    Expr of(DataType type, int depth) {
      if (depth <= 0 || random.nextInt(5) == 0) {
        return leaf(type);
      }
      return switch (type) {
        case BOOLEAN -> bool(depth - 1);
        case INTEGER -> integer(depth - 1);
        case DOUBLE -> decimal(depth - 1);
        case STRING -> string(depth - 1);
        case TIMESTAMP, DATE -> temporal(type, depth - 1);
        case OTHER -> throw new IllegalArgumentException("no values of type other");
      };
    }

    private Expr leaf(DataType type) {
      if (random.nextInt(12) == 0) {
        return Expr.literal(null);
      }
      boolean column = random.nextBoolean();
      return switch (type) {
        case BOOLEAN -> column ? Expr.column("b") : Expr.literal(random.nextBoolean());
        case INTEGER ->
            column
                ? Expr.column(random.nextBoolean() ? "i" : "j")
                : Expr.literal((long) random.nextInt(41) - 20);
        case DOUBLE ->
            column
                ? Expr.column("d")
                : Expr.literal(
                    pick(random, List.of(-2.5, -1.0, -0.5, 0.0, 0.25, 1.5, 2.5, 10.0, 1e3)));
        case STRING -> column ? Expr.column(STRING_COLUMN) : Expr.literal(pick(random, STRINGS));
        case TIMESTAMP ->
            column ? Expr.column("t") : new Expr.Literal(pick(random, TIMESTAMPS), type, NONE);
        case DATE -> column ? Expr.column("dt") : new Expr.Literal(pick(random, DATES), type, NONE);
        case OTHER -> throw new IllegalArgumentException("no values of type other");
      };
    }

    private DataType comparableType() {
      return pick(
          random,
          List.of(
              DataType.INTEGER,
              DataType.DOUBLE,
              DataType.STRING,
              DataType.BOOLEAN,
              DataType.TIMESTAMP,
              DataType.DATE));
    }

    /** A type that compares with {@code type}: the same group, chosen at random. */
    private DataType partner(DataType type) {
      if (type.isNumeric()) {
        return random.nextBoolean() ? DataType.INTEGER : DataType.DOUBLE;
      }
      if (type.isTemporal()) {
        return random.nextBoolean() ? DataType.DATE : DataType.TIMESTAMP;
      }
      return type;
    }

    private Expr bool(int depth) {
      return switch (random.nextInt(12)) {
        case 0 -> new Expr.Not(of(DataType.BOOLEAN, depth), NONE);
        case 1, 2 ->
            new Expr.Binary(
                random.nextBoolean() ? Expr.BinaryOp.AND : Expr.BinaryOp.OR,
                of(DataType.BOOLEAN, depth),
                of(DataType.BOOLEAN, depth),
                NONE);
        case 3, 4 -> {
          DataType type = comparableType();
          Expr.BinaryOp op =
              pick(
                  random,
                  List.of(
                      Expr.BinaryOp.EQ,
                      Expr.BinaryOp.NE,
                      Expr.BinaryOp.LT,
                      Expr.BinaryOp.LE,
                      Expr.BinaryOp.GT,
                      Expr.BinaryOp.GE));
          Expr right =
              type == DataType.TIMESTAMP && random.nextInt(3) == 0
                  ? Expr.literal(pick(random, random.nextBoolean() ? DATES : TIMESTAMPS))
                  : of(partner(type), depth);
          yield new Expr.Binary(op, of(type, depth), right, NONE);
        }
        case 5 -> new Expr.IsNull(of(comparableType(), depth), random.nextBoolean(), NONE);
        case 6 -> {
          DataType type = comparableType();
          yield new Expr.Between(
              of(type, depth),
              of(partner(type), depth),
              of(partner(type), depth),
              random.nextBoolean(),
              NONE);
        }
        case 7 -> {
          DataType type = comparableType();
          List<Expr> values = new ArrayList<>();
          int count = 1 + random.nextInt(3);
          for (int k = 0; k < count; k++) {
            values.add(of(partner(type), depth));
          }
          yield new Expr.InList(of(type, depth), values, random.nextBoolean(), NONE);
        }
        case 8 ->
            new Expr.Like(
                of(DataType.STRING, depth),
                random.nextInt(4) == 0
                    ? of(DataType.STRING, depth)
                    : Expr.literal(pick(random, PATTERNS)),
                random.nextBoolean(),
                random.nextBoolean(),
                NONE);
        case 9 ->
            call(
                pick(random, List.of("starts_with", "ends_with", "contains")),
                of(DataType.STRING, depth),
                of(DataType.STRING, depth));
        case 10 ->
            call("regexp_matches", of(DataType.STRING, depth), Expr.literal(pick(random, REGEXES)));
        default ->
            call(
                "conforms",
                of(DataType.STRING, depth),
                Expr.literal(
                    pick(random, List.of("integer", "double", "boolean", "date", "timestamp"))));
      };
    }

    private Expr integer(int depth) {
      return switch (random.nextInt(9)) {
        case 0, 1 ->
            new Expr.Binary(
                pick(
                    random,
                    List.of(
                        Expr.BinaryOp.ADD,
                        Expr.BinaryOp.SUB,
                        Expr.BinaryOp.MUL,
                        Expr.BinaryOp.MOD)),
                of(DataType.INTEGER, depth),
                of(DataType.INTEGER, depth),
                NONE);
        case 2 -> new Expr.Negate(of(DataType.INTEGER, depth), NONE);
        case 3 ->
            random.nextBoolean()
                ? call("abs", of(DataType.INTEGER, depth))
                : call(
                    "round",
                    of(DataType.INTEGER, depth),
                    Expr.literal((long) random.nextInt(5) - 3));
        case 4 -> call("length", of(DataType.STRING, depth));
        case 5 ->
            call(
                pick(random, List.of("year", "month", "day", "hour", "minute", "day_of_week")),
                of(random.nextBoolean() ? DataType.TIMESTAMP : DataType.DATE, depth));
        default ->
            call(
                pick(random, List.of("least", "greatest", "coalesce")),
                of(DataType.INTEGER, depth),
                of(DataType.INTEGER, depth));
      };
    }

    private Expr decimal(int depth) {
      return switch (random.nextInt(7)) {
        case 0, 1 ->
            new Expr.Binary(
                pick(
                    random,
                    List.of(
                        Expr.BinaryOp.ADD,
                        Expr.BinaryOp.SUB,
                        Expr.BinaryOp.MUL,
                        Expr.BinaryOp.MOD)),
                of(DataType.DOUBLE, depth),
                of(partner(DataType.DOUBLE), depth),
                NONE);
        case 2 ->
            new Expr.Binary(
                Expr.BinaryOp.DIV,
                of(partner(DataType.INTEGER), depth),
                of(partner(DataType.INTEGER), depth),
                NONE);
        case 3 ->
            call(
                pick(random, List.of("floor", "ceil", "abs")), of(partner(DataType.DOUBLE), depth));
        case 4 ->
            random.nextBoolean()
                ? call("round", of(DataType.DOUBLE, depth))
                : call(
                    "round",
                    of(DataType.DOUBLE, depth),
                    Expr.literal((long) random.nextInt(5) - 2));
        case 5 -> new Expr.Negate(of(DataType.DOUBLE, depth), NONE);
        default ->
            call("greatest", of(DataType.DOUBLE, depth), of(partner(DataType.DOUBLE), depth));
      };
    }

    private Expr string(int depth) {
      return switch (random.nextInt(6)) {
        case 0 -> call(pick(random, List.of("lower", "upper", "trim")), of(DataType.STRING, depth));
        case 1, 2 ->
            random.nextBoolean()
                ? call("substr", of(DataType.STRING, depth), of(DataType.INTEGER, depth))
                : call(
                    "substr",
                    of(DataType.STRING, depth),
                    of(DataType.INTEGER, depth),
                    of(DataType.INTEGER, depth));
        case 3 ->
            call(
                "concat",
                of(DataType.STRING, depth),
                of(
                    pick(
                        random,
                        List.of(
                            DataType.STRING, DataType.INTEGER, DataType.BOOLEAN, DataType.DATE)),
                    depth));
        default -> call("coalesce", of(DataType.STRING, depth), of(DataType.STRING, depth));
      };
    }

    private Expr temporal(DataType type, int depth) {
      return call(
          pick(random, List.of("least", "greatest", "coalesce")), of(type, depth), of(type, depth));
    }

    private static Expr call(String function, Expr... args) {
      return Expr.call(function, args);
    }
  }
}
