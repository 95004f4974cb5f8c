package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tend.checks.Check;
import dev.tend.checks.CheckHeader;
import dev.tend.checks.Suite;
import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.metric.Stat;
import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ProfileMetricsTest {
  // 2001-01-01 and 2001-01-03 in epoch microseconds.
  private static final long JAN_1 = 978_307_200_000_000L;
  private static final long JAN_3 = JAN_1 + 2 * 86_400_000_000L;

  private static final DatasetProfile PROFILE =
      TestProfiles.builder()
          .column("n", DataType.INTEGER, 1L, 2L, 3L, null, 10L)
          .column("s", DataType.STRING, "a", "bb", null, "", "dddd")
          .column("b", DataType.BOOLEAN, true, false, true, null, true)
          .column("t", DataType.TIMESTAMP, JAN_1, null, JAN_3, JAN_3, JAN_1)
          .doubles("d", new double[] {1.5, Double.NaN, 2.5, 3.5, 4.5})
          .build();

  private static MetricValues answer(Metric... metrics) {
    ProfileMetrics.Answers answers = ProfileMetrics.answer(PROFILE, List.of(metrics));
    assertThat(answers.unanswerable()).isEmpty();
    return answers.values();
  }

  private static OptionalDouble value(String column, Stat stat) {
    Metric metric = Metric.Aggregate.of(column, stat);
    return answer(metric).get(metric);
  }

  @Test
  void countsAndMomentsAreExactAsTheEngineDefinesThem() {
    Metric rows = new Metric.RowCount(Optional.empty());
    assertThat(answer(rows).count(rows)).isEqualTo(5);
    assertThat(value("n", Stat.NULL_COUNT)).hasValue(1);
    assertThat(value("n", Stat.MIN)).hasValue(1);
    assertThat(value("n", Stat.MAX)).hasValue(10);
    assertThat(value("n", Stat.MEAN)).hasValue(4);
    assertThat(value("n", Stat.SUM)).hasValue(16);
    // sample standard deviation of 1, 2, 3, 10: sqrt(50 / 3)
    assertThat(value("n", Stat.STDDEV).getAsDouble()).isCloseTo(Math.sqrt(50 / 3.0), within(1e-12));
    assertThat(value("b", Stat.MEAN)).hasValue(0.75);
    assertThat(value("b", Stat.SUM)).hasValue(3);
    assertThat(value("t", Stat.MIN)).hasValue(JAN_1);
    assertThat(value("t", Stat.MAX)).hasValue(JAN_3);
    assertThat(value("t", Stat.MEAN)).hasValue((JAN_1 + JAN_3) / 2.0);
    assertThat(value("s", Stat.MIN_LENGTH)).hasValue(0);
    assertThat(value("s", Stat.MAX_LENGTH)).hasValue(4);
    assertThat(value("s", Stat.MEAN_LENGTH)).hasValue(7 / 4.0);
    assertThat(value("s", Stat.APPROX_DISTINCT)).hasValue(4);
    assertThat(value("n", Stat.QUANTILE)).isPresent();
    Metric isNull = new Metric.CountWhere(Expr.isNull(Expr.column("s")), Optional.empty());
    Metric notNull = new Metric.CountWhere(Expr.isNotNull(Expr.column("s")), Optional.empty());
    assertThat(answer(isNull, notNull).count(isNull)).isEqualTo(1);
    assertThat(answer(isNull, notNull).count(notNull)).isEqualTo(4);
  }

  @Test
  void metricsThatNeedRowsAreUnansweredWithAReason() {
    Metric filtered = new Metric.RowCount(Optional.of(Expr.isNull(Expr.column("n"))));
    Metric rule =
        new Metric.CountWhere(
            new Expr.Binary(
                Expr.BinaryOp.GT, Expr.column("n"), Expr.literal(2L), Expr.Position.NONE),
            Optional.empty());
    Metric nanMean = Metric.Aggregate.of("d", Stat.MEAN);
    Metric pair = new Metric.DistinctCount(List.of("n", "s"), Optional.empty());
    Metric stringMean = Metric.Aggregate.of("s", Stat.MEAN);
    ProfileMetrics.Answers answers =
        ProfileMetrics.answer(PROFILE, List.of(filtered, rule, nanMean, pair, stringMean));
    assertThat(answers.values().asMap()).isEmpty();
    assertThat(answers.unanswerable().get(filtered)).isEqualTo("needs rows: a where filter");
    assertThat(answers.unanswerable().get(rule)).isEqualTo("needs rows: a row predicate");
    assertThat(answers.unanswerable().get(nanMean)).contains("NaN");
    assertThat(answers.unanswerable().get(pair)).startsWith("needs rows");
    assertThat(answers.unanswerable().get(stringMean)).contains("does not apply");
  }

  @Test
  void suiteChecksOnColumnsTheModelDoesNotTakeAreSkipped() {
    Suite suite =
        new Suite(
            1,
            "s",
            Optional.empty(),
            List.of(
                new Check.CompletenessCheck(CheckHeader.of("complete n"), "n", 0.1),
                new Check.CompletenessCheck(CheckHeader.of("complete label"), "label", 0)),
            List.of(),
            "test");
    SuiteFigures.Report report = SuiteFigures.evaluate(suite, PROFILE, Instant.EPOCH);
    assertThat(report.checks().get(0).status()).isEqualTo(SuiteFigures.Status.FAILED);
    assertThat(report.checks().get(0).observed()).isEqualTo("1 of 5 rows missing (20%)");
    assertThat(report.checks().get(1).status()).isEqualTo(SuiteFigures.Status.SKIPPED);
    assertThat(report.checks().get(1).reason())
        .hasValue("column 'label' not an input of the model");
    assertThat(report.failed()).isEqualTo(1);
    assertThat(report.judged()).isEqualTo(1);
  }
}
