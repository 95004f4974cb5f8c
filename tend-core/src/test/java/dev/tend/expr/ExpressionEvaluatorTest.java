package dev.tend.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionEvaluatorTest {
  private static final Map<String, Object> ROW = new HashMap<>();

  static {
    ROW.put("n", null);
    ROW.put("i", 7);
    ROW.put("d", 2.5);
    ROW.put("s", "hello");
    ROW.put("t", LocalDateTime.of(2024, 1, 7, 13, 45, 10));
    ROW.put("day", LocalDate.of(2024, 1, 7));
    ROW.put("utc", Instant.parse("2024-01-07T13:45:10Z"));
  }

  private static Object eval(String text) {
    return ExpressionEvaluator.evaluate(Expressions.parse(text), ROW);
  }

  @Test
  void followsThreeValuedLogic() {
    assertThat(eval("n = 1")).isNull();
    assertThat(eval("n = 1 AND FALSE")).isEqualTo(false);
    assertThat(eval("n = 1 OR TRUE")).isEqualTo(true);
    assertThat(eval("n = 1 OR FALSE")).isNull();
    assertThat(eval("NOT (n = 1)")).isNull();
    assertThat(eval("i IN (1, NULL)")).isNull();
    assertThat(eval("i IN (7, NULL)")).isEqualTo(true);
    assertThat(eval("i NOT IN (1, NULL)")).isNull();
    assertThat(eval("i BETWEEN NULL AND 5")).isEqualTo(false);
    assertThat(eval("n IS NULL AND i IS NOT NULL")).isEqualTo(true);
    assertThat(ExpressionEvaluator.test(Expressions.parse("n = 1"), Row.of(ROW))).isFalse();
  }

  @Test
  void dividesAsDoublesAndGivesNullForZeroDivisors() {
    assertThat(eval("i / 2")).isEqualTo(3.5);
    assertThat(eval("i / 0")).isNull();
    assertThat(eval("i % 0")).isNull();
    assertThat(eval("d % 0.0")).isNull();
    assertThat(eval("-7 % 2")).isEqualTo(-1L);
    assertThat(eval("i * 2")).isEqualTo(14L);
  }

  @Test
  void integerOverflowIsAnErrorAtTheOperator() {
    assertThatThrownBy(() -> eval("9223372036854775807 + i"))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("integer overflow in '+'");
  }

  @Test
  void roundsHalfAwayFromZeroLikeDuckDb() {
    assertThat(eval("round(2.5)")).isEqualTo(3.0);
    assertThat(eval("round(-2.5)")).isEqualTo(-3.0);
    assertThat(eval("round(1.005, 2)")).isEqualTo(1.0);
    assertThat(eval("round(1250, -2)")).isEqualTo(1300L);
    assertThat(eval("round(-1250, -2)")).isEqualTo(-1300L);
    assertThat(eval("round(1234.5, -2)")).isEqualTo(1200.0);
    assertThat(eval("floor(i)")).isEqualTo(7.0);
  }

  @Test
  void substrFollowsDuckDbEdgeCases() {
    assertThat(eval("substr(s, 2)")).isEqualTo("ello");
    assertThat(eval("substr(s, 0, 2)")).isEqualTo("h");
    assertThat(eval("substr(s, -2)")).isEqualTo("lo");
    assertThat(eval("substr(s, -7, 4)")).isEqualTo("he");
    assertThat(eval("substr(s, 3, -1)")).isEqualTo("e");
    assertThat(eval("substr(s, 10)")).isEqualTo("");
  }

  @Test
  void evaluatesStringFunctions() {
    assertThat(eval("concat(s, NULL, 1, TRUE, day)")).isEqualTo("hello1true2024-01-07");
    assertThat(eval("concat(NULL)")).isEqualTo("");
    assertThat(eval("trim('\t a ')")).isEqualTo("\t a");
    assertThat(eval("length('h\u00e9llo')")).isEqualTo(5L);
    assertThat(eval("s LIKE 'h_l%'")).isEqualTo(true);
    assertThat(eval("s ILIKE 'H%O'")).isEqualTo(true);
    assertThat(eval("'a\\b' LIKE 'a\\b'")).isEqualTo(true);
    assertThat(eval("regexp_matches(s, 'l+')")).isEqualTo(true);
    assertThat(eval("least(i, d, NULL)")).isEqualTo(2.5);
    assertThat(eval("greatest(NULL, NULL)")).isNull();
  }

  @Test
  void evaluatesTemporalFunctionsAndComparisons() {
    assertThat(eval("day_of_week(day)")).isEqualTo(7L);
    assertThat(eval("hour(day)")).isEqualTo(0L);
    assertThat(eval("minute(t)")).isEqualTo(45L);
    assertThat(eval("t = utc")).isEqualTo(true);
    assertThat(eval("t > day AND t < '2024-01-08'")).isEqualTo(true);
    assertThat(eval("day = DATE '2024-01-07'")).isEqualTo(true);
  }

  @Test
  void conformsChecksTheTextExactly() {
    assertThat(eval("conforms('12', 'integer')")).isEqualTo(true);
    assertThat(eval("conforms('99999999999999999999', 'integer')")).isEqualTo(false);
    assertThat(eval("conforms(' 12', 'integer')")).isEqualTo(false);
    assertThat(eval("conforms('1e3', 'double')")).isEqualTo(true);
    assertThat(eval("conforms('TRUE', 'boolean')")).isEqualTo(true);
    assertThat(eval("conforms('2023-02-29', 'date')")).isEqualTo(false);
    assertThat(eval("conforms('2024-02-29 10:00:00', 'timestamp')")).isEqualTo(true);
    assertThat(eval("conforms(n, 'date')")).isNull();
  }

  @Test
  void stopsRunawayRegularExpressions() {
    Map<String, Object> row = Map.of("s", ",".repeat(40));
    assertThatThrownBy(
            () ->
                ExpressionEvaluator.evaluate(
                    Expressions.parse("regexp_matches(s, '(.*,){20}P')"), row))
        .isInstanceOf(ExpressionException.class)
        .hasMessageContaining("takes too long");
  }

  @Test
  void unknownColumnsAndMismatchedValuesAreErrors() {
    assertThatThrownBy(() -> eval("missing = 1"))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("unknown column 'missing': the row has no such column");
    assertThatThrownBy(() -> eval("s + 1"))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("'+' needs numbers but found string 'hello'");
  }
}
