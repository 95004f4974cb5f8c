package dev.tend.cli.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.alert.AlertRule;
import dev.tend.alert.AlertRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The flagship's alert rules file parses, rule by rule, as {@code tend alerts rules apply} reads
 * it.
 */
class ExampleAlertRulesTest {
  private static final Path EXAMPLE = Path.of("../examples/flights/alerts.yaml");

  @Test
  void theFlagshipRulesParse() throws Exception {
    List<AlertRule> rules =
        AlertsCommand.Apply.documents(Files.readString(EXAMPLE)).stream()
            .filter(
                d -> d.lines().map(String::strip).anyMatch(l -> !l.isEmpty() && !l.startsWith("#")))
            .map(d -> AlertRules.parse(d, EXAMPLE.toString(), Optional.empty()))
            .toList();
    assertThat(rules)
        .extracting(AlertRule::name)
        .containsExactly(
            "flights-missing-inputs",
            "flights-suite-checks",
            "flights-auc-drop",
            "flights-origin-drift");
  }
}
