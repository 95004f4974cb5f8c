package dev.tend.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.pipeline.GateCondition.Champion;
import dev.tend.pipeline.GateCondition.Comparison;
import dev.tend.pipeline.GateCondition.Constant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The small language of gate conditions. */
class GateConditionsTest {
  @Test
  void parsesConstantsAndChampionComparisons() {
    assertThat(GateConditions.parse("f1 >= 0.6"))
        .isEqualTo(new GateCondition("f1", Comparison.GREATER_OR_EQUAL, new Constant(0.6)));
    assertThat(GateConditions.parse("log_loss<champion.log_loss"))
        .isEqualTo(new GateCondition("log_loss", Comparison.LESS, new Champion("log_loss", 0)));
    assertThat(GateConditions.parse("rmse <= champion.rmse - 2"))
        .isEqualTo(new GateCondition("rmse", Comparison.LESS_OR_EQUAL, new Champion("rmse", -2)));
    assertThat(GateConditions.parse("r2 > -0.5"))
        .isEqualTo(new GateCondition("r2", Comparison.GREATER, new Constant(-0.5)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "f1 >= 0.6|f1 >= 0.6",
        "f1>=champion.f1+0.01|f1 >= champion.f1 + 0.01",
        "mae <= champion.mae - 1|mae <= champion.mae - 1",
        "auc == 1|auc == 1"
      })
  void printsCanonically(String text, String printed) {
    assertThat(GateConditions.parse(text)).hasToString(printed);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "f1|2|expected a comparison (>=, >, <=, <, ==), found the end",
        "f1 => 0.6|3|unknown comparison '=>'",
        "f1 >= best.f1|6|expected a number or champion.<metric> after '>=', found 'best'",
        "f1 >= champion|14|expected '.' after champion (champion.<metric>), found the end",
        "f1 >= 0.6 0.7|10|unexpected '0.7' after condition",
        "f1 >= 1.2.3|6|'1.2.3' is not a number",
        ">= 0.6|0|expected a metric name such as auc or f1, found '>='",
        "f1 >= $x|6|unexpected character '$'"
      })
  void reportsWhereAConditionGoesWrong(String text, int offset, String message) {
    assertThatThrownBy(() -> GateConditions.parse(text))
        .isInstanceOfSatisfying(
            GateConditions.SyntaxException.class, e -> assertThat(e.offset()).isEqualTo(offset))
        .hasMessage(message);
  }

  @Test
  void comparisonsCompare() {
    assertThat(Comparison.GREATER_OR_EQUAL.test(0.6, 0.6)).isTrue();
    assertThat(Comparison.GREATER.test(0.6, 0.6)).isFalse();
    assertThat(Comparison.LESS.test(0.5, 0.6)).isTrue();
    assertThat(Comparison.LESS_OR_EQUAL.test(0.7, 0.6)).isFalse();
    assertThat(Comparison.EQUAL.test(1, 1)).isTrue();
  }
}
