package dev.tend.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.checks.AnomalyRule;
import dev.tend.checks.Check;
import dev.tend.checks.Dimension;
import dev.tend.checks.Severity;
import dev.tend.checks.Suite;
import dev.tend.checks.ValidityRule;
import dev.tend.metric.Stat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteParserTest {
  private static Suite parse(String yaml) {
    return SuiteParser.parse(yaml, "suite.yaml", "suite");
  }

  private static SuiteException error(String yaml) {
    try {
      parse(yaml);
    } catch (SuiteException e) {
      return e;
    }
    throw new AssertionError("expected a SuiteException for:\n" + yaml);
  }

  @Test
  void readsEveryCheckKind() {
    Suite suite =
        parse(
            """
            version: 1
            name: orders
            thresholds: {validity: 95%, overall: 90}
            checks:
              - schema: {columns: [{name: id, type: integer}, {name: note, required: false}], allow_extra: false}
              - row_count: {min: 1, max: 1000}
              - completeness: {column: id, max_missing: 2%}
              - between: {column: amount, min: 0, max: 10.5, max_invalid: 0.01}
              - between: {column: at, min: '2001-01-01'}
              - in_set: {column: status, values: [open, closed, 3]}
              - regex: {column: code, pattern: '[A-Z]{3}'}
              - conforms: {column: raw, type: int}
              - non_negative: {column: amount}
              - length: {column: code, min: 3, max: 3}
              - unique: {columns: [id, day]}
              - rule: {expression: "amount >= 0 AND status IN ('open', 'closed')"}
                where: "id > 10"
                severity: warn
              - freshness: {column: at, max_age: 36h}
              - statistic: {column: amount, stat: quantile, quantile: 0.9, max: 100}
              - distribution: {column: amount, reference: ref.parquet, method: psi, threshold: 0.2}
              - anomaly: {metric: row_count, max_decrease: 50%}
              - anomaly: {metric: mean(amount), sigma: 3, lookback: 10, min_history: 4}
            """);
    assertThat(suite.name()).isEqualTo("orders");
    assertThat(suite.checks()).hasSize(17);
    assertThat(suite.thresholds()).hasSize(2);
    assertThat(suite.thresholds().get(0).dimension()).contains(Dimension.VALIDITY);
    assertThat(suite.thresholds().get(0).minPercent()).isEqualTo(95);
    assertThat(suite.thresholds().get(1).dimension()).isEmpty();

    Check.SchemaCheck schema = (Check.SchemaCheck) suite.checks().get(0);
    assertThat(schema.allowExtra()).isFalse();
    assertThat(schema.expected().get(1).required()).isFalse();

    Check.CompletenessCheck completeness = (Check.CompletenessCheck) suite.checks().get(2);
    assertThat(completeness.maxMissing()).isEqualTo(0.02);
    assertThat(completeness.name()).isEqualTo("completeness(id)");

    Check.ValidityCheck between = (Check.ValidityCheck) suite.checks().get(3);
    assertThat(between.maxInvalid()).isEqualTo(0.01);
    assertThat(((ValidityRule.Between) between.rule()).max().orElseThrow().value()).isEqualTo(10.5);
    Check.ValidityCheck inSet = (Check.ValidityCheck) suite.checks().get(5);
    assertThat(((ValidityRule.InSet) inSet.rule()).values())
        .extracting(l -> l.value())
        .containsExactly("open", "closed", 3L);

    Check.RuleCheck rule = (Check.RuleCheck) suite.checks().get(11);
    assertThat(rule.header().severity()).isEqualTo(Severity.WARN);
    assertThat(rule.header().whereText()).contains("id > 10");
    assertThat(rule.columns()).containsExactly("amount", "status");
    assertThat(rule.header().location().line()).isEqualTo(16);

    assertThat(((Check.FreshnessCheck) suite.checks().get(12)).maxAge())
        .isEqualTo(Duration.ofHours(36));
    Check.StatisticCheck statistic = (Check.StatisticCheck) suite.checks().get(13);
    assertThat(statistic.stat()).isEqualTo(Stat.QUANTILE);
    assertThat(statistic.quantile()).isEqualTo(0.9);
    Check.DistributionCheck distribution = (Check.DistributionCheck) suite.checks().get(14);
    assertThat(distribution.method()).contains("psi");
    Check.AnomalyCheck drop = (Check.AnomalyCheck) suite.checks().get(15);
    assertThat(drop.rule())
        .isEqualTo(
            new AnomalyRule.Change(
                AnomalyRule.Direction.DECREASE,
                java.util.OptionalDouble.of(0.5),
                java.util.OptionalDouble.empty()));
    Check.AnomalyCheck sigma = (Check.AnomalyCheck) suite.checks().get(16);
    assertThat(sigma.rule()).isEqualTo(new AnomalyRule.Deviation(3, 10, 4));
    assertThat(sigma.historyKey()).isEqualTo("mean(amount)");
  }

  @Test
  void defaultNamesAreUniqueWithinTheSuite() {
    Suite suite =
        parse(
            """
            checks:
              - completeness: {column: a}
              - completeness: {column: a, max_missing: 0.5}
            """);
    assertThat(suite.checks())
        .extracting(Check::name)
        .containsExactly("completeness(a)", "completeness(a) #2");
  }

  @Test
  void invalidYamlPointsAtLineAndColumn() {
    SuiteException e = error("checks:\n  - completeness: {column: a\n  - x: y\n");
    assertThat(e.describe()).startsWith("suite.yaml:3:");
    assertThat(e.getMessage()).contains("invalid YAML");
  }

  @Test
  void unknownKindSuggestsTheClosestOne() {
    SuiteException e = error("checks:\n  - completness: {column: a}\n");
    assertThat(e.describe())
        .isEqualTo(
            "suite.yaml:2:5: unknown check kind 'completness'; did you mean 'completeness'? (kinds:"
                + " schema, row_count, completeness, between, in_set, regex, conforms, non_negative,"
                + " length, unique, rule, freshness, statistic, distribution, anomaly)");
  }

  @Test
  void unknownKeyIsRejectedWithTheAllowedOnes() {
    SuiteException e = error("checks:\n  - between: {column: a, minimum: 3}\n");
    assertThat(e.describe())
        .startsWith("suite.yaml:2:26: unknown key 'minimum' in between; allowed:");
    assertThat(e.getMessage()).contains("max, max_invalid, min");
  }

  @Test
  void expressionErrorsPointIntoTheFile() {
    SuiteException e = error("checks:\n  - rule: {expression: \"a >= AND b\"}\n");
    assertThat(e.location().line()).isEqualTo(2);
    assertThat(e.location().column()).isEqualTo(30);
    assertThat(e.getMessage()).startsWith("expression: ");
  }

  @Test
  void forbiddenFunctionIsRejected() {
    SuiteException e = error("checks:\n  - rule: {expression: \"read_csv('x') > 0\"}\n");
    assertThat(e.getMessage()).contains("read_csv").contains("not allowed");
    assertThat(e.location().line()).isEqualTo(2);
  }

  @Test
  void fractionsAboveOneNeedAPercentSign() {
    SuiteException e = error("checks:\n  - completeness: {column: a, max_missing: 5}\n");
    assertThat(e.describe())
        .isEqualTo(
            "suite.yaml:2:44: max_missing is a fraction from 0 to 1 or a percentage such as 5%;"
                + " found 5");
  }

  @Test
  void thresholdOnAnUnmeasuredDimensionIsAnError() {
    SuiteException e =
        error("thresholds: {uniqueness: 99%}\nchecks:\n  - completeness: {column: a}\n");
    assertThat(e.describe()).startsWith("suite.yaml:1:14: threshold on uniqueness");
  }

  @Test
  void badValuesAreNamed() {
    assertThat(error("checks:\n  - freshness: {column: a, max_age: soon}\n").getMessage())
        .contains("max_age is a duration");
    assertThat(error("checks:\n  - regex: {column: a, pattern: '[a-'}\n").getMessage())
        .contains("invalid regular expression");
    assertThat(error("checks:\n  - statistic: {column: a, stat: median2, max: 3}\n").getMessage())
        .contains("unknown statistic 'median2'");
    assertThat(error("checks:\n  - anomaly: {metric: rows}\n").getMessage())
        .contains("unknown metric 'rows'");
    assertThat(error("checks:\n  - severity: fatal\n    completeness: {column: a}\n").getMessage())
        .contains("severity is error or warn");
    assertThat(error("version: 2\nchecks: []\n").getMessage())
        .contains("version 2 is not supported");
    assertThat(error("checks:\n  - row_count: {min: 1.5}\n").getMessage()).contains("whole number");
    assertThat(error("name: x\n").getMessage()).contains("needs a 'checks' list");
    assertThat(error("").getMessage()).contains("empty");
  }

  @Test
  void missingFileAndNonUtf8AreClearErrors(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> SuiteParser.read(dir.resolve("nope.yaml")))
        .isInstanceOf(SuiteException.class)
        .hasMessage("suite file not found");
    Path binary = dir.resolve("bin.yaml");
    Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});
    assertThatThrownBy(() -> SuiteParser.read(binary)).isInstanceOf(SuiteException.class);
  }

  @Test
  void readsTheExampleSuites() {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Suite flights = SuiteParser.read(root.resolve("examples/flights/suite.yaml"));
    assertThat(flights.checks()).hasSizeGreaterThanOrEqualTo(25);
    assertThat(flights.checks())
        .filteredOn(c -> c instanceof Check.RuleCheck)
        .extracting(Check::name)
        .contains("no round trips");
    assertThat(flights.description())
        .isEqualTo(Optional.of("US domestic flights feeding the delay > 15 min model."));
  }
}
