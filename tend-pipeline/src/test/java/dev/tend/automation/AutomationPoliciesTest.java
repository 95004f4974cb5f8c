package dev.tend.automation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tend.automation.AutomationPolicy.Approval;
import dev.tend.automation.AutomationPolicy.GateMetric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Automation policies as written: the example reads with every setting, defaults are spelt out,
 * mistakes are refused at their line and column, the canonical form reads back to the same policy,
 * and the published JSON Schema agrees with the parser.
 */
class AutomationPoliciesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path EXAMPLE = ROOT.resolve("examples/flights/automation.yaml");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Schema schema;
  private static JsonNode tree;

  @BeforeAll
  static void load() throws Exception {
    String text = Files.readString(ROOT.resolve("schemas/automation.schema.json"));
    tree = JSON.readTree(text);
    schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(text, InputFormat.JSON);
  }

  static AutomationPolicy parse(String yaml) {
    return AutomationPolicies.parse(yaml, "p.yaml", Optional.empty());
  }

  static String minimal(String extra) {
    return "name: retrain\ndeployment: delays-dev\non: {rules: [auc-drop]}\n"
        + "retrain: {pipeline: delays}\n"
        + extra;
  }

  @Test
  void theFlagshipsPolicyReadsAsWrittenAndIsValidForTheSchema() throws Exception {
    String text = Files.readString(EXAMPLE);
    assertThat(schema.validate(text, InputFormat.YAML)).isEmpty();
    AutomationPolicy p = AutomationPolicies.parse(text, EXAMPLE.toString(), Optional.empty());
    assertThat(p.name()).isEqualTo("retrain-flight-delays");
    assertThat(p.deployment()).isEqualTo("flight-delays-dev");
    assertThat(p.on().rules()).containsExactly("flights-auc-drop", "flights-origin-drift");
    assertThat(p.on().matches("flights-auc-drop", "warning")).isTrue();
    // No severities named: any severity of the named rules.
    assertThat(p.on().matches("flights-auc-drop", "info")).isTrue();
    assertThat(p.on().matches("other", "critical")).isFalse();
    assertThat(p.retrain().pipeline()).isEqualTo("flight-delays-retrain");
    assertThat(p.gate().metric()).isEqualTo(GateMetric.ROC_AUC);
    assertThat(p.gate().minImprovement()).isEqualTo(0.005);
    assertThat(p.gate().rows()).isEqualTo(8_000);
    assertThat(p.gate().minRows()).isEqualTo(1_000);
    assertThat(p.gate().maxWait()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.canary().percent()).isEqualTo(20);
    assertThat(p.canary().window()).isEqualTo(Duration.ofSeconds(8));
    assertThat(p.canary().bake()).isEqualTo(Duration.ofSeconds(24));
    assertThat(p.canary().failedWindows()).isEqualTo(2);
    assertThat(p.canary().minRequests()).isEqualTo(5);
    assertThat(p.canary().maxQualityDrop()).isEmpty();
    assertThat(p.promoteAlias()).contains("production");
    assertThat(p.approval()).isEqualTo(Approval.NEVER);
    assertThat(p.guardrails().cooldown()).isEqualTo(Duration.ofHours(1));
    assertThat(p.guardrails().maxPerDay()).isEqualTo(3);
  }

  @Test
  void defaultsAreSpeltOutAndTheCanonicalFormReadsBackTheSame() throws Exception {
    AutomationPolicy p = parse(minimal(""));
    assertThat(p.gate().metric()).isEqualTo(GateMetric.ROC_AUC);
    assertThat(p.gate().minImprovement()).isZero();
    assertThat(p.gate().rows()).isEqualTo(AutomationPolicies.DEFAULT_ROWS);
    assertThat(p.gate().minRows()).isEqualTo(AutomationPolicies.DEFAULT_MIN_ROWS);
    assertThat(p.canary().percent()).isEqualTo(AutomationPolicies.DEFAULT_PERCENT);
    assertThat(p.canary().bake()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.canary().maxQualityDrop()).isEmpty();
    assertThat(p.approval()).isEqualTo(Approval.PROD);
    assertThat(p.guardrails().cooldown()).isEqualTo(Duration.ofHours(1));
    assertThat(p.promoteAlias()).isEmpty();
    assertThat(p.on().severities()).isEmpty();
    assertThat(p.on().matches("auc-drop", "info")).isTrue();

    for (AutomationPolicy policy :
        List.of(
            p, AutomationPolicies.parse(Files.readString(EXAMPLE), "e.yaml", Optional.empty()))) {
      String canonical = JSON.writeValueAsString(AutomationPolicies.describe(policy));
      assertThat(schema.validate(canonical, InputFormat.JSON)).isEmpty();
      assertThat(AutomationPolicies.parse(canonical, "c.json", Optional.empty())).isEqualTo(policy);
    }
  }

  @Test
  void aCooldownOfZeroIsAllowedAndParamsAreKeptAsText() {
    AutomationPolicy p =
        parse(
            "name: r\ndeployment: d\non: {rules: [a]}\n"
                + "retrain: {pipeline: p, params: {depth: 4, eta: 0.3, tag: x}}\n"
                + "guardrails: {cooldown: 0s}\n");
    assertThat(p.guardrails().cooldown()).isZero();
    assertThat(p.retrain().params()).isEqualTo(Map.of("depth", "4", "eta", "0.3", "tag", "x"));
  }

  @Test
  void lowerIsBetterMetricsImproveDownwards() {
    AutomationPolicy.Gate auc =
        new AutomationPolicy.Gate(GateMetric.ROC_AUC, 0, 1, 1, Duration.ofMinutes(1));
    AutomationPolicy.Gate loss =
        new AutomationPolicy.Gate(GateMetric.LOG_LOSS, 0, 1, 1, Duration.ofMinutes(1));
    assertThat(auc.improvement(0.80, 0.85))
        .isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(loss.improvement(0.40, 0.30))
        .isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(loss.improvement(0.30, 0.40)).isNegative();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          gate: {metric: auc}                    | 5:16 | unknown gate metric 'auc' Known metrics: accuracy
          gate: {rows: 0}                        | 5:14 | gate.rows must be from 1 to 200000
          gate: {rows: 100, min_rows: 500}       | 5:29 | gate.min_rows must be from 1 to 100
          gate: {wait: 10}                       | 5:14 | gate.wait: duration '10' needs a unit
          canary: {percent: 100}                 | 5:19 | canary.percent must be from 1 to 99
          canary: {window: 2d}                   | 5:18 | canary.window must be at most 1d
          canary: {max_quality_drop: -1}         | 5:28 | canary.max_quality_drop is how much worse
          approval: sometimes                    | 5:11 | approval must be never, prod
          guardrails: {cooldown: soon}           | 5:24 | guardrails.cooldown: duration 'soon'
          guardrails: {max_per_day: 0}           | 5:27 | guardrails.max_per_day must be from 1 to 1000
          promote_alias: 'pro duction'           | 5:16 | promote_alias must be an alias name
          retrains: {pipeline: x}                | 5:1  | unknown key 'retrains' in an automation policy; did you mean 'retrain'?
          version: 2                             | 5:10 | version must be 1
          """)
  void mistakesAreRefusedWhereTheyAre(String extra, String at, String message) {
    assertThatThrownBy(() -> parse(minimal(extra.trim() + "\n")))
        .isInstanceOf(AutomationPolicyException.class)
        .satisfies(
            e -> {
              AutomationPolicyException p = (AutomationPolicyException) e;
              assertThat(p.describe()).startsWith("p.yaml:" + at + ": ").contains(message);
            });
  }

  @Test
  void missingSectionsAndBadNamesAreRefused() {
    assertThatThrownBy(() -> parse("name: r\ndeployment: d\nretrain: {pipeline: p}\n"))
        .hasMessageContaining("needs 'on'");
    assertThatThrownBy(
            () -> parse("name: r\ndeployment: d\non: {rules: []}\nretrain: {pipeline: p}\n"))
        .hasMessageContaining("on.rules must name at least one alert rule");
    assertThatThrownBy(() -> parse("name: r\ndeployment: d\non: {rules: [a]}\n"))
        .hasMessageContaining("needs 'retrain'");
    assertThatThrownBy(
            () -> parse("name: Retrain\ndeployment: d\non: {rules: [a]}\nretrain: {pipeline: p}\n"))
        .hasMessageContaining("policy name 'Retrain' must be");
    assertThatThrownBy(
            () -> parse("name: r\ndeployment: d\non: {rules: [a, a]}\nretrain: {pipeline: p}\n"))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> AutomationPolicies.parse(minimal(""), "p.yaml", Optional.of("other")))
        .hasMessageContaining("named 'retrain' but was sent as 'other'");
    assertThatThrownBy(() -> parse("name: [unclosed\n")).hasMessageStartingWith("invalid YAML");
    assertThatThrownBy(() -> parse(""))
        .isInstanceOf(AutomationPolicyException.class)
        .hasMessageContaining("the policy is empty");
    assertThat(
            AutomationPolicies.parse(
                    minimal("").replace("name: retrain\n", ""), "p.yaml", Optional.of("given"))
                .name())
        .isEqualTo("given");
  }

  @Test
  void theSchemaNamesExactlyTheParsersKeysAndMetrics() {
    List<String> keys = new ArrayList<>();
    tree.path("properties").fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrderElementsOf(AutomationPolicies.KEYS);
    assertThat(names(tree.at("/properties/gate/properties")))
        .containsExactlyInAnyOrderElementsOf(AutomationPolicies.GATE_KEYS);
    assertThat(names(tree.at("/properties/canary/properties")))
        .containsExactlyInAnyOrderElementsOf(AutomationPolicies.CANARY_KEYS);
    assertThat(names(tree.at("/properties/guardrails/properties")))
        .containsExactlyInAnyOrderElementsOf(AutomationPolicies.GUARDRAIL_KEYS);
    List<String> metrics = new ArrayList<>();
    tree.at("/properties/gate/properties/metric/enum").forEach(m -> metrics.add(m.asText()));
    assertThat(metrics)
        .containsExactly(
            java.util.Arrays.stream(GateMetric.values())
                .map(GateMetric::label)
                .toArray(String[]::new));
    assertThat(schema.validate(minimal("gate: {metric: auc}\n"), InputFormat.YAML)).isNotEmpty();
  }

  private static List<String> names(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
