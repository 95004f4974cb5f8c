package dev.tend.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.checks.CheckResult;
import dev.tend.checks.Dimension;
import dev.tend.checks.Suite;
import dev.tend.checks.SuiteReport;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.EngineOptions;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteRunnerTest {
  @TempDir Path dir;
  private Engine engine;

  @BeforeEach
  void start() {
    engine = DuckDbEngines.create(EngineOptions.defaults().withThreads(1));
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  /** 100 orders; row i (1-based) has amount i, status by i % 3; planted defects listed below. */
  private Path orders() throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("id,amount,status,country,shipped,created");
    for (int i = 1; i <= 100; i++) {
      String amount = i == 7 ? "" : i == 13 ? "-5" : Integer.toString(i);
      String status = i == 21 ? "lost" : List.of("open", "paid", "shipped").get(i % 3);
      String country = i == 30 ? "usa" : "US";
      String id = i == 50 ? "49" : Integer.toString(i);
      String shipped = status.equals("shipped") && i != 62 ? "2001-01-02" : "";
      lines.add(
          id
              + ","
              + amount
              + ","
              + status
              + ","
              + country
              + ","
              + shipped
              + ",2001-01-01 10:00:00");
    }
    Path file = dir.resolve("orders.csv");
    Files.write(file, lines);
    return file;
  }

  private SuiteReport run(String yaml, Path data) {
    Suite suite = SuiteParser.parse(yaml, "suite.yaml", "orders");
    try (Dataset dataset = engine.open(DataSource.Files.of(data, Format.CSV))) {
      return SuiteRunner.run(
              suite,
              dataset,
              "orders",
              RunOptions.defaults().withNow(Instant.parse("2001-01-02T10:00:00Z")))
          .report();
    }
  }

  private static CheckResult result(SuiteReport report, String name) {
    return report.results().stream()
        .filter(r -> r.check().name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no result named " + name));
  }

  @Test
  void countsThePlantedDefectsOfEveryRowLevelKind() throws Exception {
    SuiteReport report =
        run(
            """
            checks:
              - completeness: {column: amount}
              - non_negative: {column: amount}
              - in_set: {column: status, values: [open, paid, shipped]}
              - regex: {column: country, pattern: '[A-Z]{2}'}
              - unique: {column: id}
              - rule: {expression: "shipped IS NOT NULL"}
                where: "status = 'shipped'"
              - freshness: {column: created, max_age: 1d}
              - row_count: {min: 100, max: 100}
            """,
            orders());
    assertThat(result(report, "completeness(amount)").failingRows()).hasValue(1);
    assertThat(result(report, "non_negative(amount)").failingRows()).hasValue(1);
    assertThat(result(report, "non_negative(amount)").evaluatedRows()).hasValue(99);
    assertThat(result(report, "in_set(status)").failingRows()).hasValue(1);
    assertThat(result(report, "regex(country)").failingRows()).hasValue(1);
    assertThat(result(report, "unique(id)").failingRows()).hasValue(1);
    CheckResult rule = result(report, "rule");
    assertThat(rule.evaluatedRows()).hasValue(33);
    assertThat(rule.failingRows()).hasValue(1);
    assertThat(rule.sample())
        .singleElement()
        .satisfies(row -> assertThat(row).containsEntry("_row", 62L));
    assertThat(result(report, "freshness(created)").passed()).isTrue();
    assertThat(result(report, "row_count").passed()).isTrue();
    assertThat(result(report, "completeness(amount)").sample())
        .extracting(row -> row.get("_row"))
        .containsExactly(7L);
    assertThat(result(report, "unique(id)").sample())
        .extracting(row -> row.get("id"))
        .containsOnly(49L);
    assertThat(report.passed()).isFalse();
    assertThat(report.scores().byDimension().get(Dimension.COMPLETENESS))
        .isCloseTo(99.5, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aColumnTheSchemaDeclaresButTheDataLacksFailsTheCheckInsteadOfTheRun() throws Exception {
    SuiteReport report =
        run(
            """
            checks:
              - schema: {columns: [id, amount, discount]}
              - completeness: {column: discount}
            """,
            orders());
    assertThat(result(report, "schema").observed()).contains("missing discount");
    CheckResult completeness = result(report, "completeness(discount)");
    assertThat(completeness.outcome()).isEqualTo(CheckResult.Outcome.FAILED);
    assertThat(completeness.observed()).contains("'discount' missing");
  }

  @Test
  void aColumnNobodyDeclaredIsASuiteErrorWithASuggestion() throws Exception {
    Path data = orders();
    assertThatThrownBy(() -> run("checks:\n  - completeness: {column: ammount}\n", data))
        .isInstanceOf(SuiteException.class)
        .hasMessageContaining("names column 'ammount'")
        .hasMessageContaining("did you mean 'amount'?");
    assertThatThrownBy(() -> run("checks:\n  - rule: {expression: \"amont > 0\"}\n", data))
        .isInstanceOf(SuiteException.class)
        .hasMessageContaining("amont");
    assertThatThrownBy(() -> run("checks:\n  - regex: {column: amount, pattern: 'x'}\n", data))
        .isInstanceOf(SuiteException.class)
        .hasMessageContaining("needs a text column");
  }

  @Test
  void splitSeparatesExactlyTheRowsThatFailRowLevelChecks() throws Exception {
    Path data = orders();
    Suite suite =
        SuiteParser.parse(
            "checks:\n  - completeness: {column: amount}\n  - non_negative: {column: amount}\n"
                + "  - in_set: {column: status, values: [open, paid, shipped]}\n  - unique: {column: id}\n",
            "s.yaml",
            "s");
    try (Dataset dataset = engine.open(DataSource.Files.of(data, Format.CSV))) {
      var invalid = SuiteRunner.invalidRows(suite, dataset).orElseThrow();
      var counts = dataset.split(invalid, dir.resolve("valid.csv"), dir.resolve("invalid.csv"));
      assertThat(counts.invalidRows()).isEqualTo(3);
      assertThat(counts.validRows()).isEqualTo(97);
    }
  }

  @Test
  void distributionCheckComparesWithTheReferenceProfile() throws Exception {
    Path data = orders();
    List<String> shifted = new ArrayList<>(List.of("id,amount,status,country,shipped,created"));
    for (int i = 1; i <= 100; i++) {
      shifted.add(i + "," + (i + 60) + ",open,US,,2001-01-01 10:00:00");
    }
    Path reference = dir.resolve("reference.csv");
    Files.write(reference, shifted);
    Suite suite =
        SuiteParser.parse(
            """
            checks:
              - distribution: {column: amount, reference: reference.csv, method: ks}
              - distribution: {column: status, reference: reference.csv, method: psi}
              - distribution: {column: country, reference: reference.csv}
            """,
            "s.yaml",
            "s");
    try (Dataset dataset = engine.open(DataSource.Files.of(data, Format.CSV));
        Dataset ref = engine.open(DataSource.Files.of(reference, Format.CSV))) {
      var refProfile = Profiler.profile(ref, "reference", ProfileOptions.DEFAULTS);
      RunOptions options =
          RunOptions.defaults().withReferenceProfile((check, column) -> refProfile.column(column));
      SuiteReport report = SuiteRunner.run(suite, dataset, "orders", options).report();
      CheckResult amount = result(report, "distribution(amount)");
      assertThat(amount.outcome()).isEqualTo(CheckResult.Outcome.FAILED);
      assertThat(amount.observed()).startsWith("ks = 0.6");
      assertThat(result(report, "distribution(status)").outcome())
          .isEqualTo(CheckResult.Outcome.FAILED);
      CheckResult country = result(report, "distribution(country)");
      assertThat(country.outcome()).isEqualTo(CheckResult.Outcome.PASSED);
      assertThat(country.observed()).startsWith("chi_square");
    }
  }

  @Test
  void anomalyChecksReadTheHistoryTheRunnerReturns() throws Exception {
    Path data = orders();
    Suite suite =
        SuiteParser.parse(
            "checks:\n  - anomaly: {metric: row_count, max_decrease: 50%}\n  - anomaly: {metric: mean(amount), sigma: 3, lookback: 5, min_history: 3}\n",
            "s.yaml", "s");
    try (Dataset dataset = engine.open(DataSource.Files.of(data, Format.CSV))) {
      Map<String, List<Double>> history =
          Map.of("row_count", List.of(250.0), "mean(amount)", List.of(50.0, 51.0, 49.0, 50.5));
      SuiteRunner.Run run =
          SuiteRunner.run(
              suite,
              dataset,
              "orders",
              RunOptions.defaults().withHistory(k -> history.getOrDefault(k, List.of())));
      assertThat(result(run.report(), "anomaly(row_count)").passed()).isFalse();
      assertThat(result(run.report(), "anomaly(mean(amount))").passed()).isTrue();
      assertThat(run.metrics()).containsEntry("row_count", 100.0).containsKey("mean(amount)");
      assertThat(run.metrics().get("mean(amount)"))
          .isCloseTo((5050.0 - 7 - 13 - 5) / 99, org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void distributionCheckProfilesOnlyTheRowsItsFilterAccepts() throws Exception {
    Path data = orders();
    Suite suite =
        SuiteParser.parse(
            """
            checks:
              - distribution: {column: amount, reference: orders.csv, method: ks}
              - distribution: {column: amount, reference: orders.csv, method: ks}
                name: upper half
                where: "amount > 50"
            """,
            "s.yaml",
            "s");
    try (Dataset dataset = engine.open(DataSource.Files.of(data, Format.CSV))) {
      var whole = Profiler.profile(dataset, "orders", ProfileOptions.DEFAULTS);
      RunOptions options =
          RunOptions.defaults().withReferenceProfile((check, column) -> whole.column(column));
      SuiteReport report = SuiteRunner.run(suite, dataset, "orders", options).report();
      assertThat(result(report, "distribution(amount)").passed()).isTrue();
      CheckResult upper = result(report, "upper half");
      assertThat(upper.passed()).isFalse();
      assertThat(upper.observed()).contains("50 values");
    }
  }
}
