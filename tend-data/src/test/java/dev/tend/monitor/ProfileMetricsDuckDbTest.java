package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tend.checks.Check;
import dev.tend.checks.CheckEvaluator;
import dev.tend.checks.Suite;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.metric.Stat;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import dev.tend.suite.SuiteParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ProfileMetrics} against the DuckDB engine on the real penguins data: what the profile
 * answers equals the engine's value (exactly for counts and extremes, to rounding for moments,
 * within the sketch's error for quantiles and distinct counts).
 */
class ProfileMetricsDuckDbTest {
  private static final List<String> NUMBERS =
      List.of("Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)");
  private static final List<String> TEXTS = List.of("Species", "Island", "Sex");

  private static Engine engine;
  private static Dataset penguins;
  private static DatasetProfile profile;

  @BeforeAll
  static void open() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("../shared/data/penguins.json"))) {
      dir = dir.getParent();
    }
    Assumptions.assumeTrue(dir != null, "../shared/data/penguins.json is not present");
    engine = DuckDbEngines.create();
    penguins =
        engine.open(
            DataSource.Files.of(
                dir.resolve("../shared/data/penguins.json").normalize(), Format.JSON));
    profile = Profiler.profile(penguins, "penguins", ProfileOptions.DEFAULTS);
  }

  @AfterAll
  static void close() {
    if (penguins != null) {
      penguins.close();
    }
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void exactMetricsEqualTheEngines() {
    List<Metric> metrics = new ArrayList<>();
    metrics.add(new Metric.RowCount(Optional.empty()));
    for (String column : NUMBERS) {
      for (Stat stat : List.of(Stat.NULL_COUNT, Stat.MIN, Stat.MAX, Stat.MEAN, Stat.STDDEV)) {
        metrics.add(Metric.Aggregate.of(column, stat));
      }
      metrics.add(Metric.Aggregate.of(column, Stat.SUM));
      metrics.add(countWhere(Expr.isNull(Expr.column(column))));
      metrics.add(countWhere(Expr.isNotNull(Expr.column(column))));
    }
    for (String column : TEXTS) {
      for (Stat stat :
          List.of(Stat.NULL_COUNT, Stat.MIN_LENGTH, Stat.MAX_LENGTH, Stat.MEAN_LENGTH)) {
        metrics.add(Metric.Aggregate.of(column, stat));
      }
    }
    ProfileMetrics.Answers answers = ProfileMetrics.answer(profile, metrics);
    MetricValues engine = penguins.compute(metrics);

    assertThat(answers.unanswerable()).isEmpty();
    for (Metric metric : metrics) {
      double expected = engine.get(metric).orElseThrow();
      double actual = answers.values().get(metric).orElseThrow();
      assertThat(actual)
          .as(metric.key() + " " + metric)
          .isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
    }
    assertThat(answers.values().count(Metric.Aggregate.of("Beak Length (mm)", Stat.NULL_COUNT)))
        .isEqualTo(2);
  }

  @Test
  void quantilesAndDistinctCountsLieWithinTheSketchError() {
    for (String column : NUMBERS) {
      for (double q : List.of(0.05, 0.25, 0.5, 0.75, 0.95)) {
        Metric quantile = new Metric.Aggregate(column, Stat.QUANTILE, q, Optional.empty());
        double value =
            ProfileMetrics.answer(profile, List.of(quantile)).values().get(quantile).orElseThrow();
        // The engine's ranks of the profile's quantile (values below it, and at most it, over all
        // values) must bracket q within the sketch's rank error; ties make a range of ranks.
        Metric below = countWhere(compare(Expr.BinaryOp.LT, column, value));
        Metric atMost = countWhere(compare(Expr.BinaryOp.LE, column, value));
        Metric values = countWhere(Expr.isNotNull(Expr.column(column)));
        MetricValues counts = penguins.compute(List.of(below, atMost, values));
        double n = counts.count(values);
        double error = profile.column(column).orElseThrow().quantileRankError().orElseThrow();
        assertThat(q)
            .as(column + " q" + q)
            .isBetween(counts.count(below) / n - error, counts.count(atMost) / n + error);
      }
    }
    List<Metric> distinct = new ArrayList<>();
    for (String column : List.of("Species", "Island", "Sex", "Flipper Length (mm)")) {
      distinct.add(Metric.Aggregate.of(column, Stat.APPROX_DISTINCT));
      distinct.add(new Metric.DistinctCount(List.of(column), Optional.empty()));
    }
    MetricValues engine = penguins.compute(distinct);
    MetricValues answered = ProfileMetrics.answer(profile, distinct).values();
    for (Metric metric : distinct) {
      double expected = engine.get(metric).orElseThrow();
      assertThat(answered.get(metric).orElseThrow())
          .as(metric.key())
          .isCloseTo(expected, within(Math.max(1, 0.03 * expected)));
    }
  }

  @Test
  void suiteMetricsAreAnsweredAsTheEngineDoesOrSkippedForRows() {
    Suite suite =
        SuiteParser.parse(
            """
            checks:
              - completeness: {column: "Beak Length (mm)", max_missing: 10%}
              - between: {column: "Flipper Length (mm)", min: 150, max: 250}
              - between: {column: "Body Mass (g)", min: 7000}
                name: heavy
              - between: {column: "Beak Depth (mm)", min: 15, max: 20}
                name: straddles
              - rule: {expression: "Species != Island"}
              - completeness: {column: Sex}
                where: Island = 'Biscoe'
            """,
            "suite.yaml", "penguins");
    CheckEvaluator evaluator = CheckEvaluator.forSchema(penguins.schema());
    Set<Metric> metrics = new LinkedHashSet<>();
    for (Check check : suite.checks()) {
      metrics.addAll(evaluator.metrics(check));
    }
    ProfileMetrics.Answers answers = ProfileMetrics.answer(profile, metrics);
    MetricValues engine = penguins.compute(List.copyOf(metrics));
    for (Metric metric : answers.values().asMap().keySet()) {
      assertThat(answers.values().get(metric)).as(metric.toString()).isEqualTo(engine.get(metric));
    }
    // Every value of Body Mass lies below 7,000: each counts as invalid, exactly.
    Metric heavy = evaluator.metrics(suite.checks().get(2)).get(2);
    assertThat(answers.values().count(heavy)).isEqualTo(342);
    Metric straddles = evaluator.metrics(suite.checks().get(3)).get(2);
    Metric rule = evaluator.metrics(suite.checks().get(4)).get(1);
    List<Metric> filtered = evaluator.metrics(suite.checks().get(5));
    assertThat(answers.unanswerable())
        .containsOnlyKeys(straddles, rule, filtered.get(0), filtered.get(1))
        .allSatisfy((m, reason) -> assertThat(reason).startsWith(ProfileMetrics.NEEDS_ROWS));

    SuiteFigures.Report report =
        SuiteFigures.evaluate(suite, profile, Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(report.checks())
        .extracting(SuiteFigures.LiveCheck::status)
        .containsExactly(
            SuiteFigures.Status.PASSED,
            SuiteFigures.Status.PASSED,
            SuiteFigures.Status.FAILED,
            SuiteFigures.Status.SKIPPED,
            SuiteFigures.Status.SKIPPED,
            SuiteFigures.Status.SKIPPED);
    assertThat(report.checks().get(2).observed()).startsWith("342 of 342 rows invalid");
  }

  private static Expr compare(Expr.BinaryOp op, String column, double value) {
    return new Expr.Binary(op, Expr.column(column), Expr.literal(value), Expr.Position.NONE);
  }

  private static Metric countWhere(Expr predicate) {
    return new Metric.CountWhere(predicate, Optional.empty());
  }
}
