package dev.tend.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.schema.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionsTest {
  private static final Expr.Position NONE = Expr.Position.NONE;

  private static Expr shape(String text) {
    return Expressions.withoutPositions(Expressions.parse(text));
  }

  private static Expr col(String name) {
    return Expr.column(name);
  }

  private static Expr lit(Object value) {
    return Expr.literal(value);
  }

  private static Expr bin(Expr.BinaryOp op, Expr left, Expr right) {
    return new Expr.Binary(op, left, right, NONE);
  }

  @Test
  void parsesTheExampleRuleWithPrecedence() {
    assertThat(shape("arrival >= departure AND (status = 'cancelled' OR delay IS NOT NULL)"))
        .isEqualTo(
            Expr.and(
                bin(Expr.BinaryOp.GE, col("arrival"), col("departure")),
                Expr.or(
                    bin(Expr.BinaryOp.EQ, col("status"), lit("cancelled")),
                    Expr.isNotNull(col("delay")))));
  }

  @Test
  void orBindsLooserThanAndWhichBindsLooserThanNot() {
    assertThat(shape("a OR NOT b AND c"))
        .isEqualTo(Expr.or(col("a"), Expr.and(Expr.not(col("b")), col("c"))));
  }

  @Test
  void arithmeticIsLeftAssociativeWithMultiplicationFirst() {
    assertThat(shape("a - b - c * d % e"))
        .isEqualTo(
            bin(
                Expr.BinaryOp.SUB,
                bin(Expr.BinaryOp.SUB, col("a"), col("b")),
                bin(Expr.BinaryOp.MOD, bin(Expr.BinaryOp.MUL, col("c"), col("d")), col("e"))));
  }

  @Test
  void unaryMinusBeforeANumberIsANegativeLiteral() {
    assertThat(shape("-5")).isEqualTo(lit(-5L));
    assertThat(shape("-9223372036854775808")).isEqualTo(lit(Long.MIN_VALUE));
    assertThat(shape("- x")).isEqualTo(new Expr.Negate(col("x"), NONE));
    assertThat(shape("-(5)")).isEqualTo(new Expr.Negate(lit(5L), NONE));
    assertThat(shape("2 * -1.5e2")).isEqualTo(bin(Expr.BinaryOp.MUL, lit(2L), lit(-150.0)));
  }

  @Test
  void parsesLiterals() {
    assertThat(shape("1.5")).isEqualTo(lit(1.5));
    assertThat(shape(".5")).isEqualTo(lit(0.5));
    assertThat(shape("1e3")).isEqualTo(lit(1000.0));
    assertThat(shape("'it''s'")).isEqualTo(lit("it's"));
    assertThat(shape("true")).isEqualTo(lit(true));
    assertThat(shape("False")).isEqualTo(lit(false));
    assertThat(shape("null")).isEqualTo(lit(null));
    assertThat(shape("date '2024-02-29'"))
        .isEqualTo(new Expr.Literal("2024-02-29", DataType.DATE, NONE));
    assertThat(shape("TIMESTAMP '2024-02-29 10:11:12.123456'"))
        .isEqualTo(new Expr.Literal("2024-02-29 10:11:12.123456", DataType.TIMESTAMP, NONE));
  }

  @Test
  void parsesQuotedIdentifiers() {
    assertThat(shape("\"a \"\"b\"\"\" = `c``d`"))
        .isEqualTo(bin(Expr.BinaryOp.EQ, col("a \"b\""), col("c`d")));
    assertThat(shape("\"date\" IS NULL")).isEqualTo(Expr.isNull(col("date")));
  }

  @Test
  void parsesEveryComparisonSpelling() {
    assertThat(shape("a == 1")).isEqualTo(shape("a = 1"));
    assertThat(shape("a <> 1")).isEqualTo(shape("a != 1"));
    assertThat(shape("a <= 1")).isEqualTo(bin(Expr.BinaryOp.LE, col("a"), lit(1L)));
  }

  @Test
  void parsesPredicates() {
    assertThat(shape("a not between 1 and 2 + 3"))
        .isEqualTo(
            new Expr.Between(
                col("a"), lit(1L), bin(Expr.BinaryOp.ADD, lit(2L), lit(3L)), true, NONE));
    assertThat(shape("a IN (1, 2)"))
        .isEqualTo(new Expr.InList(col("a"), List.of(lit(1L), lit(2L)), false, NONE));
    assertThat(shape("a NOT ILIKE 'x%'"))
        .isEqualTo(new Expr.Like(col("a"), lit("x%"), true, true, NONE));
    assertThat(shape("a is null")).isEqualTo(Expr.isNull(col("a")));
  }

  @Test
  void functionNamesAreCaseInsensitiveAndStoredInLowerCase() {
    assertThat(shape("COALESCE(a, 0)")).isEqualTo(Expr.call("coalesce", col("a"), lit(0L)));
  }

  @Test
  void everyNodeCarriesWhereItStarts() {
    Expr expr = Expressions.parse("x = 1 AND\n  NOT abs(-y) > 2");
    Expr.Binary and = (Expr.Binary) expr;
    assertThat(and.position()).isEqualTo(new Expr.Position(1, 1));
    assertThat(((Expr.Binary) and.left()).right().position()).isEqualTo(new Expr.Position(1, 5));
    Expr.Not not = (Expr.Not) and.right();
    assertThat(not.position()).isEqualTo(new Expr.Position(2, 3));
    Expr.Binary gt = (Expr.Binary) not.operand();
    Expr.Call abs = (Expr.Call) gt.left();
    assertThat(abs.position()).isEqualTo(new Expr.Position(2, 7));
    assertThat(abs.args().get(0).position()).isEqualTo(new Expr.Position(2, 11));
    assertThat(gt.right().position()).isEqualTo(new Expr.Position(2, 17));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "(a + 1              | 1 | 7  | expected ')' but found end of expression",
        "a +                 | 1 | 4  | expected an operand (a column, a literal, a function call or '(') but found end of expression",
        "''                  | 1 | 1  | expected an expression but found nothing",
        "a b                 | 1 | 3  | expected an operator or end of expression but found identifier 'b'",
        "a = 'x              | 1 | 5  | unterminated string literal: expected a closing ' before the end",
        "a # 1               | 1 | 3  | unexpected character '#'; expected an operator, a name, a number or a quoted string",
        "a = 1 = 2           | 1 | 7  | comparisons do not chain: found '=' after a comparison; combine comparisons with AND",
        "a NOT = 1           | 1 | 7  | expected BETWEEN, IN, LIKE or ILIKE after NOT but found '='",
        "a BETWEEN 1 OR 2    | 1 | 13 | expected AND but found 'OR'",
        "a IS 1              | 1 | 6  | expected NULL but found number 1",
        "a IN 1              | 1 | 6  | expected '(' but found number 1",
        "a IN ()             | 1 | 7  | expected an operand (a column, a literal, a function call or '(') but found ')'",
        "AND                 | 1 | 1  | expected an operand (a column, a literal, a function call or '(') but found 'AND'",
        "sqrt(a)             | 1 | 1  | function 'sqrt' is not allowed; allowed: abs, round, floor, ceil, least, greatest, coalesce, length, lower, upper, trim, substr, concat, starts_with, ends_with, contains, regexp_matches, year, month, day, hour, minute, day_of_week, conforms",
        "abs(a, b)           | 1 | 1  | abs() takes 1 argument but was given 2; usage: abs(number)",
        "least(a)            | 1 | 1  | least() takes at least 2 arguments but was given 1; usage: least(a, b, ...)",
        "round()             | 1 | 1  | round() takes 1 or 2 arguments but was given 0; usage: round(number[, digits])",
        "abs(a,)             | 1 | 7  | expected an operand (a column, a literal, a function call or '(') but found ')'",
        "9223372036854775808 | 1 | 1  | integer 9223372036854775808 is out of range; integers lie between -9223372036854775808 and 9223372036854775807",
        "1e999               | 1 | 1  | number 1e999 is too large for a double",
        "1e+                 | 1 | 1  | malformed number '1e+': expected digits after the exponent",
        "12abc               | 1 | 3  | malformed number: unexpected 'a' after '12'",
        "DATE '2023-02-29'   | 1 | 6  | invalid date '2023-02-29'; expected a valid yyyy-mm-dd",
        "TIMESTAMP '2024-01-01' | 1 | 11 | invalid timestamp '2024-01-01'; expected a valid yyyy-mm-dd hh:mm:ss[.ffffff]",
        "\"\" = 1            | 1 | 1  | empty quoted identifier; write a column name",
        "\"abc               | 1 | 1  | unterminated quoted identifier: expected a closing \" before the end",
        "a !                 | 1 | 3  | unexpected character '!'; expected an operator, a name, a number or a quoted string",
      })
  void reportsEveryErrorWithItsPosition(String text, int line, int column, String message) {
    String input = text.equals("''") ? "" : text.strip();
    assertThatThrownBy(() -> Expressions.parse(input))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.position()).isEqualTo(new Expr.Position(line, column));
            });
  }

  @Test
  void dateAndTimestampAreColumnsUnlessAQuotedLiteralFollows() {
    Expr expr =
        Expressions.withoutPositions(
            Expressions.parse("hour(date) > 1 AND timestamp < DATE '2001-01-02'"));
    assertThat(expr)
        .isEqualTo(
            Expr.and(
                new Expr.Binary(
                    Expr.BinaryOp.GT,
                    Expr.call("hour", Expr.column("date")),
                    Expr.literal(1L),
                    Expr.Position.NONE),
                new Expr.Binary(
                    Expr.BinaryOp.LT,
                    Expr.column("timestamp"),
                    new Expr.Literal(
                        "2001-01-02", dev.tend.schema.DataType.DATE, Expr.Position.NONE),
                    Expr.Position.NONE)));
  }

  @Test
  void describesTheErrorWithLineAndColumn() {
    assertThatThrownBy(() -> Expressions.parse("a = 1 AND (b < 2"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e ->
                assertThat(e.describe())
                    .isEqualTo("line 1, column 17: expected ')' but found end of expression"));
  }

  @Test
  void reportsPositionsOnLaterLines() {
    assertThatThrownBy(() -> Expressions.parse("a = 1\nAND\n  b <"))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> assertThat(e.position()).isEqualTo(new Expr.Position(3, 6)));
  }

  @Test
  void refusesDeepNestingWithoutOverflowingTheStack() {
    String deep = "(".repeat(5_000) + "a" + ")".repeat(5_000);
    assertThatThrownBy(() -> Expressions.parse(deep))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> assertThat(e.getMessage()).isEqualTo("expression nests deeper than 200 levels"));
    assertThatThrownBy(() -> Expressions.parse("NOT ".repeat(1_000) + "a"))
        .isInstanceOf(ExpressionException.class);
    assertThatThrownBy(() -> Expressions.parse("-".repeat(1_000) + "a"))
        .isInstanceOf(ExpressionException.class);
  }

  @Test
  void refusesLongOperatorChainsSoTreesStayShallow() {
    assertThat(Expressions.parse("a" + " + a".repeat(150))).isNotNull();
    assertThatThrownBy(() -> Expressions.parse("a" + " + a".repeat(1_000)))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("expression nests deeper than 200 levels");
  }

  @Test
  void refusesOverlongText() {
    String text = "a = '" + "x".repeat(Expressions.MAX_LENGTH) + "'";
    assertThatThrownBy(() -> Expressions.parse(text))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo(
                      "expression is "
                          + text.length()
                          + " characters long; the limit is "
                          + Expressions.MAX_LENGTH);
              assertThat(e.position()).isEqualTo(new Expr.Position(1, 1));
            });
  }

  @Test
  void formatsCanonicalTextWithFewestParentheses() {
    assertThat(Expressions.format(Expressions.parse("((a + b)) * c = (d) and not (x or y)")))
        .isEqualTo("(a + b) * c = d AND NOT (x OR y)");
    assertThat(Expressions.format(Expressions.parse("a - (b - c)"))).isEqualTo("a - (b - c)");
    assertThat(Expressions.format(Expressions.parse("- (5) - -5"))).isEqualTo("-(5) - -5");
    assertThat(Expressions.format(Expressions.parse("\"my col\" ILIKE 'x''%' or `date` in (1)")))
        .isEqualTo("\"my col\" ILIKE 'x''%' OR \"date\" IN (1)");
    assertThat(Expressions.format(Expressions.parse("timestamp '2024-01-01 00:00:00' <= Now")))
        .isEqualTo("TIMESTAMP '2024-01-01 00:00:00' <= Now");
  }
}
