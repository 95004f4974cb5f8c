package dev.tend.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.alert.Condition.Anomaly;
import dev.tend.alert.Condition.Baseline;
import dev.tend.alert.Condition.Change;
import dev.tend.alert.Condition.Direction;
import dev.tend.alert.Condition.Op;
import dev.tend.alert.Condition.Threshold;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading alert rules from YAML and JSON, their defaults, and the errors bad rules get. */
class AlertRulesTest {
  static AlertRule parse(String yaml) {
    return AlertRules.parse(yaml, "rule.yaml", Optional.empty());
  }

  static AlertRuleException error(String yaml) {
    try {
      parse(yaml);
    } catch (AlertRuleException e) {
      return e;
    }
    throw new AssertionError("parsed: " + yaml);
  }

  @Test
  void aFullRuleReadsEverySetting() {
    AlertRule rule =
        parse(
            """
            name: f1-low
            metric: f1
            deployment: flights-prod
            model_version: each
            segment: origin=JFK
            condition:
              threshold: {op: "<", value: 0.5}
            for: 3
            severity: critical
            labels: {team: risk}
            annotations:
              summary: "F1 of {{deployment}} is {{value}}"
              description: "since {{window_start}}, team {{labels.team}}"
            notify: [oncall-slack, pager]
            repeat_interval: 1h30m
            """);
    assertThat(rule.name()).isEqualTo("f1-low");
    assertThat(rule.metric()).isEqualTo(MonitorMetric.F1);
    assertThat(rule.column()).isEmpty();
    assertThat(rule.deployment()).isEqualTo("flights-prod");
    assertThat(rule.modelVersion()).isEqualTo("each");
    assertThat(rule.segment()).isEqualTo("origin=JFK");
    assertThat(rule.condition()).isEqualTo(new Threshold(Op.LT, 0.5));
    assertThat(rule.forWindows()).isEqualTo(3);
    assertThat(rule.severity()).isEqualTo(AlertRule.Severity.CRITICAL);
    assertThat(rule.labels()).isEqualTo(Map.of("team", "risk"));
    assertThat(rule.summary()).isEqualTo("F1 of {{deployment}} is {{value}}");
    assertThat(rule.channels()).containsExactly("oncall-slack", "pager");
    assertThat(rule.repeatInterval()).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void defaultsAreAllDeploymentsAllTrafficOneWindowWarningEveryFourHours() {
    AlertRule rule = parse("name: slow\nmetric: latency_p99_ms\ncondition: {threshold: '> 250'}");
    assertThat(rule.deployment()).isEqualTo("*");
    assertThat(rule.modelVersion()).isEqualTo("*");
    assertThat(rule.segment()).isEmpty();
    assertThat(rule.condition()).isEqualTo(new Threshold(Op.GT, 250));
    assertThat(rule.forWindows()).isEqualTo(1);
    assertThat(rule.severity()).isEqualTo(AlertRule.Severity.WARNING);
    assertThat(rule.summary()).isEqualTo(AlertRule.DEFAULT_SUMMARY);
    assertThat(rule.channels()).isEmpty();
    assertThat(rule.repeatInterval()).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void changeAndAnomalyConditionsReadTheirBaselinesAndDefaults() {
    assertThat(
            parse(
                    """
                    name: f1-drop
                    metric: f1
                    condition:
                      change: {baseline: previous, windows: 6, by: 20%, direction: down}
                    """)
                .condition())
        .isEqualTo(new Change(new Baseline.Previous(6), 0.2, true, Direction.DOWN));
    assertThat(
            parse(
                    """
                    name: auc-vs-offline
                    metric: roc_auc
                    condition:
                      change: {baseline: reference, reference: 0.82, by: 0.05}
                    """)
                .condition())
        .isEqualTo(new Change(new Baseline.Reference(0.82), 0.05, false, Direction.EITHER));
    assertThat(
            parse("name: r\nmetric: error_rate\ncondition: {change: {baseline: first, by: 0.01}}")
                .condition())
        .isEqualTo(new Change(new Baseline.First(), 0.01, false, Direction.EITHER));
    assertThat(parse("name: r\nmetric: throughput\ncondition: {anomaly: {}}").condition())
        .isEqualTo(new Anomaly(24, 8, 3.5, Direction.EITHER));
    assertThat(
            parse(
                    "name: r\nmetric: throughput\ncondition:\n  anomaly: {windows: 12,"
                        + " min_history: 6, z: 4, direction: down}")
                .condition())
        .isEqualTo(new Anomaly(12, 6, 4, Direction.DOWN));
  }

  @Test
  void jsonIsReadAsTheSameRule() {
    String yaml =
        """
        name: drift
        metric: feature_drift
        column: "*"
        condition: {threshold: {op: ">=", value: 0.2}}
        for: 2
        """;
    String json =
        "{\n\t\"name\": \"drift\", \"metric\": \"feature_drift\", \"column\": \"*\",\n"
            + "\t\"condition\": {\"threshold\": {\"op\": \">=\", \"value\": 0.2}}, \"for\": 2}";
    assertThat(AlertRules.parse(json, "rule.json", Optional.empty())).isEqualTo(parse(yaml));
  }

  @Test
  void theCanonicalFormReadsBackAsTheSameRule() {
    AlertRule rule =
        parse(
            """
            name: kpi
            metric: outcome_rate
            column: conversion
            deployment: shop
            condition: {change: {baseline: previous, windows: 4, by: 15%, direction: down}}
            labels: {team: growth}
            notify: [mail]
            repeat_interval: 2h
            """);
    Map<String, Object> canonical = AlertRules.describe(rule);
    assertThat(canonical).containsEntry("repeat_interval", "2h").containsEntry("for", 1);
    String json = toJson(canonical);
    assertThat(AlertRules.parse(json, "canonical.json", Optional.empty())).isEqualTo(rule);
  }

  @Test
  void theNameMayComeFromThePathButMustAgreeWithTheText() {
    AlertRule rule =
        AlertRules.parse("metric: rows\ncondition: {threshold: '< 10'}", "x", Optional.of("few"));
    assertThat(rule.name()).isEqualTo("few");
    assertThatThrownBy(
            () ->
                AlertRules.parse(
                    "name: many\nmetric: rows\ncondition: {threshold: '< 10'}",
                    "x",
                    Optional.of("few")))
        .hasMessageContaining("'many' but was sent as 'few'");
  }

  @Test
  void anUnknownMetricIsPlacedAndListsTheKnownOnesWithASuggestion() {
    AlertRuleException e = error("name: r\nmetric: f_1\ncondition: {threshold: '< 1'}");
    assertThat(e.describe()).startsWith("rule.yaml:2:9: unknown metric 'f_1'; did you mean 'f1'?");
    assertThat(e.getMessage()).contains("Known metrics: rows, throughput, error_rate");
    assertThat(e.field()).isEqualTo("metric");
  }

  @Test
  void aColumnOnAWholeWindowMetricAndAMissingRequiredColumnAreRefused() {
    AlertRuleException none =
        error("name: r\nmetric: f1\ncolumn: distance\ncondition: {threshold: '< 1'}");
    assertThat(none.describe()).startsWith("rule.yaml:3:9: f1 is a whole-window figure");
    assertThat(none.field()).isEqualTo("column");
    AlertRuleException required = error("name: r\nmetric: feature_drift\ncondition: {anomaly: {}}");
    assertThat(required.getMessage()).contains("feature_drift is about one column");
  }

  @Test
  void badConditionsSayWhatWouldBeRight() {
    assertThat(error("name: r\nmetric: f1").getMessage()).contains("needs 'condition'");
    assertThat(error("name: r\nmetric: f1\ncondition: {above: 1}").getMessage())
        .contains("unknown key 'above'");
    assertThat(
            error("name: r\nmetric: f1\ncondition: {threshold: '< 1', anomaly: {}}").getMessage())
        .contains("exactly one of threshold, change, anomaly");
    AlertRuleException op =
        error("name: r\nmetric: f1\ncondition: {threshold: {op: '=', value: 1}}");
    assertThat(op.getMessage()).contains("op must be one of <, <=, >, >=");
    assertThat(op.field()).isEqualTo("condition.threshold.op");
    assertThat(error("name: r\nmetric: f1\ncondition: {change: {baseline: first}}").getMessage())
        .contains("change needs 'by'");
    assertThat(
            error("name: r\nmetric: f1\ncondition: {change: {baseline: first, windows: 3, by: 1}}")
                .getMessage())
        .contains("windows applies to baseline: previous only");
    assertThat(
            error("name: r\nmetric: f1\ncondition: {anomaly: {windows: 10, min_history: 12}}")
                .getMessage())
        .contains("min_history must be 3 to windows (10)");
  }

  @Test
  void otherBadSettingsAreRefusedWhereTheyAre() {
    String ok = "name: r\nmetric: f1\ncondition: {threshold: '< 1'}\n";
    assertThat(error(ok + "for: 0").describe()).contains("rule.yaml:4:6: for is a number");
    assertThat(error(ok + "severity: page").getMessage())
        .contains("severity must be critical, warning or info");
    assertThat(error(ok + "model_version: 3").getMessage()).contains("model_version must be");
    assertThat(error(ok + "segment: JFK").getMessage()).contains("segment must be column=value");
    assertThat(error(ok + "repeat_interval: 30s").getMessage()).contains("at least 1m");
    assertThat(error(ok + "repeat_interval: soon").getMessage()).contains("such as 30m");
    assertThat(error(ok + "annotations: {summary: '{{valeu}}'}").getMessage())
        .contains("unknown placeholder {{valeu}}");
    assertThat(error(ok + "notify: [a, a]").getMessage()).contains("listed twice");
    assertThat(error(ok + "sevrity: info").getMessage()).contains("did you mean 'severity'?");
    assertThat(error("name: r\n  metric: [").getMessage()).startsWith("invalid YAML");
    assertThat(error("").getMessage()).contains("the rule is empty");
  }

  @Test
  void aRuleMatchesOnlyTheSeriesItSelects() {
    Instant t = Instant.parse("2026-11-20T10:00:00Z");
    AlertRule each =
        parse(
            "name: r\nmetric: feature_drift\ncolumn: '*'\ndeployment: d\nmodel_version: each\n"
                + "condition: {threshold: '> 0.1'}");
    MetricPoint v3 =
        MetricPoint.of("d", "3", t, t.plusSeconds(60), MonitorMetric.FEATURE_DRIFT, "x", 0.3, 10);
    MetricPoint all =
        MetricPoint.of("d", "*", t, t.plusSeconds(60), MonitorMetric.FEATURE_DRIFT, "x", 0.3, 10);
    MetricPoint other =
        MetricPoint.of("e", "3", t, t.plusSeconds(60), MonitorMetric.FEATURE_DRIFT, "x", 0.3, 10);
    assertThat(each.matches(v3)).isTrue();
    assertThat(each.matches(all)).isFalse();
    assertThat(each.matches(other)).isFalse();
  }

  /* A minimal JSON writer for the canonical form's maps, lists, texts and numbers. */
  static String toJson(Object value) {
    return switch (value) {
      case Map<?, ?> map -> {
        StringBuilder out = new StringBuilder("{");
        map.forEach(
            (k, v) ->
                out.append(out.length() > 1 ? "," : "")
                    .append(toJson(k))
                    .append(':')
                    .append(toJson(v)));
        yield out.append('}').toString();
      }
      case java.util.List<?> list -> {
        StringBuilder out = new StringBuilder("[");
        list.forEach(v -> out.append(out.length() > 1 ? "," : "").append(toJson(v)));
        yield out.append(']').toString();
      }
      case String s -> '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
      default -> String.valueOf(value);
    };
  }
}
