package dev.tend.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpressionValidatorTest {
  private static final Schema FLIGHTS =
      Schema.of(
          new Column("distance", DataType.DOUBLE),
          new Column("delay", DataType.INTEGER),
          new Column("status", DataType.STRING),
          new Column("departure", DataType.TIMESTAMP),
          new Column("day", DataType.DATE),
          new Column("cancelled", DataType.BOOLEAN),
          new Column("payload", DataType.OTHER));

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "delay + 1                                   | INTEGER",
        "delay + distance                            | DOUBLE",
        "delay / 2                                   | DOUBLE",
        "delay % 2                                   | INTEGER",
        "-delay                                      | INTEGER",
        "round(distance, 1)                          | DOUBLE",
        "round(delay)                                | INTEGER",
        "floor(delay)                                | DOUBLE",
        "coalesce(delay, distance)                   | DOUBLE",
        "greatest(day, departure)                    | TIMESTAMP",
        "concat(status, delay, cancelled, day)       | STRING",
        "length(status)                              | INTEGER",
        "day_of_week(day)                            | INTEGER",
        "departure >= '2024-01-01'                   | BOOLEAN",
        "departure BETWEEN DATE '2024-01-01' AND '2024-02-01 10:00:00' | BOOLEAN",
        "day IN ('2024-01-01', DATE '2024-01-02')    | BOOLEAN",
        "payload IS NULL AND status ILIKE 'x%'       | BOOLEAN",
        "delay = NULL                                | BOOLEAN",
        "conforms(status, 'int')                     | BOOLEAN",
        "NULL                                        | OTHER",
      })
  void infersTypes(String text, DataType type) {
    assertThat(ExpressionValidator.typeOf(Expressions.parse(text), FLIGHTS)).isEqualTo(type);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      value = {
        "distnce > 0                 | 1 | 1  | unknown column 'distnce'; did you mean 'distance'?",
        "Status = 'x'                | 1 | 1  | unknown column 'Status'; did you mean 'status'?",
        "zzzzzzzzzz > 0              | 1 | 1  | unknown column 'zzzzzzzzzz'; columns are distance, delay, status, departure, day, cancelled, payload",
        "status = 5                  | 1 | 10 | '=' cannot compare status (string) with 5 (integer)",
        "status + 1 > 0              | 1 | 1  | '+' needs numbers but found status (string)",
        "delay LIKE 'x'              | 1 | 1  | LIKE needs a string but found delay (integer)",
        "delay                       | 1 | 1  | a rule or filter needs a boolean but found delay (integer)",
        "cancelled AND delay         | 1 | 15 | AND needs a boolean but found delay (integer)",
        "NOT status                  | 1 | 5  | NOT needs a boolean but found status (string)",
        "departure > 'soon'          | 1 | 13 | 'soon' is not a valid timestamp; write yyyy-mm-dd hh:mm:ss[.ffffff]",
        "day = '2024-01-01 10:00:00' | 1 | 7  | '2024-01-01 10:00:00' is not a valid date; write yyyy-mm-dd",
        "departure = status          | 1 | 13 | '=' cannot compare departure (timestamp) with status (string); compare with a literal such as DATE '2024-01-31' or TIMESTAMP '2024-01-31 12:00:00'",
        "payload = 1                 | 1 | 1  | '=' cannot compare payload (other); values of type other only support IS NULL",
        "year(status) > 0            | 1 | 6  | argument 1 of year() needs a date or timestamp but found status (string)",
        "substr(status, 1.5) = ''    | 1 | 16 | argument 2 of substr() needs an integer but found 1.5 (double)",
        "concat(distance) = ''       | 1 | 8  | argument 1 of concat() needs a string, integer, boolean or date but found distance (double)",
        "coalesce(delay, status) = 1 | 1 | 17 | argument 2 of coalesce() has type string, which does not mix with delay (integer)",
        "conforms(status, 'string')  | 1 | 18 | conforms() cannot test for type 'string'; use one of 'integer', 'double', 'boolean', 'date', 'timestamp'",
        "conforms(status, status)    | 1 | 18 | conforms() takes the type name as a string literal, for example 'integer'",
        "regexp_matches(status, '(') | 1 | 24 | invalid regular expression '(': Unclosed group",
        "delay IN (1, 'a')           | 1 | 14 | IN cannot compare delay (integer) with 'a' (string)",
      })
  void reportsProblemsWithPositions(String text, int line, int column, String message) {
    Expr expr = Expressions.parse(text);
    assertThatThrownBy(() -> ExpressionValidator.checkPredicate(expr, FLIGHTS))
        .isInstanceOfSatisfying(
            ExpressionException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.position()).isEqualTo(new Expr.Position(line, column));
            });
  }
}
