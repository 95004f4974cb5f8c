package dev.tend.cli.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.alert.AlertEvent;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import dev.tend.cli.TestServers;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tend alerts} and {@code tend incidents} against a real server whose alerting is fed a
 * window's figures as the monitor runner would: apply a rule, see it fire, acknowledge it, read the
 * incident, delete the rule. The tests build on each other in order, as a user's session would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path serverDir;
  @TempDir static Path files;
  static LocalServer server;
  static String admin;
  static String projectId;
  static HttpClient http;
  static String alertId;
  static String incidentId;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServers.start(serverDir);
    admin = server.bootstrap().orElseThrow().plainText();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> created =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("/api/v1/projects"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"ops\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    projectId = JSON.readTree(created.body()).get("id").asText();
  }

  @AfterAll
  static void stopServer() {
    if (http != null) {
      http.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static Cli.Result tend(Object... args) {
    Map<String, String> environment = new HashMap<>();
    environment.put("TEND_URL", server.uri().toString());
    environment.put("TEND_TOKEN", admin);
    environment.put("TEND_PROJECT", "ops");
    return Cli.runWith(environment, args);
  }

  static Cli.Result ok(Object... args) {
    Cli.Result result = tend(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  @Test
  @Order(1)
  void applyCreatesTheRuleAndABadFileIsRefusedWhereItIsWrong() throws Exception {
    Path rule = files.resolve("latency.yaml");
    Files.writeString(
        rule,
        """
        name: latency-high
        metric: latency_p99_ms
        deployment: flights-prod
        condition:
          threshold: {op: ">", value: 250}
        severity: critical
        notify: [oncall]
        """);
    assertThat(ok("alerts", "rules", "apply", rule).out())
        .contains("Created alert rule latency-high (version 1) in project ops");
    assertThat(ok("alerts", "rules", "apply", rule).out()).contains("Applied alert rule");

    Path bad = files.resolve("bad.yaml");
    Files.writeString(bad, "name: x\nmetric: latency_p999\ncondition: {threshold: '> 1'}\n");
    Cli.Result refused = tend("alerts", "rules", "apply", bad);
    Cli.assertCleanUsageError(refused);
    assertThat(refused.err())
        .contains("bad.yaml:2:9", "unknown metric 'latency_p999'", "latency_p99_ms");
    Cli.assertCleanUsageError(tend("alerts", "rules", "apply", files.resolve("missing.yaml")));
  }

  @Test
  @Order(2)
  void listAndShowTheRule() throws Exception {
    assertThat(ok("alerts", "rules", "list").out())
        .contains("latency-high", "latency_p99_ms", "flights-prod", "> 250", "critical");
    assertThat(ok("alerts", "rules", "show", "latency-high").out())
        .contains("# latency-high, version 1", "metric: latency_p99_ms");
    JsonNode listed = JSON.readTree(ok("alerts", "rules", "list", "--json").out());
    assertThat(listed.at("/items/0/rule/severity").asText()).isEqualTo("critical");
    Cli.Result missing = tend("alerts", "rules", "show", "nope");
    assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
    assertThat(missing.err()).contains("no alert rule named 'nope'").doesNotContain("\tat ");
  }

  @Test
  @Order(3)
  void aBreachingWindowFiresAnAlertThatIsListedAndAcknowledged() throws Exception {
    Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    MetricPoint slow =
        MetricPoint.of(
            "flights-prod",
            "*",
            end.minus(Duration.ofMinutes(5)),
            end,
            MonitorMetric.LATENCY_P99_MS,
            "",
            480,
            1_200);
    List<AlertEvent> events = server.alerting().figures(projectId, List.of(slow));
    assertThat(events).extracting(AlertEvent::kind).containsExactly(AlertEvent.Kind.FIRING);
    alertId = events.getFirst().alertId();
    incidentId = events.getFirst().incidentId();

    assertThat(ok("alerts", "list").out())
        .contains(alertId, "firing", "critical", "latency-high", "latency_p99_ms of flights-prod");
    assertThat(ok("alerts", "list", "--state", "resolved").out()).contains("No alerts.");
    Cli.assertCleanUsageError(tend("alerts", "list", "--state", "open"));
    assertThat(ok("alerts", "ack", alertId).out())
        .contains("Acknowledged alert " + alertId + " (latency-high on flights-prod) by admin");
    JsonNode acked = JSON.readTree(ok("alerts", "list", "--state", "acknowledged", "--json").out());
    assertThat(acked.at("/items/0/id").asText()).isEqualTo(alertId);
  }

  @Test
  @Order(4)
  void incidentsShowTheTimeline() throws Exception {
    assertThat(ok("incidents", "list").out()).contains(incidentId, "open", "flights-prod");
    assertThat(ok("incidents", "show", incidentId).out())
        .contains("Incident " + incidentId + " on flights-prod")
        .contains("incident-opened", "alert-fired", "alert-acknowledged");
    JsonNode shown = JSON.readTree(ok("incidents", "show", incidentId, "--format", "json").out());
    assertThat(shown.get("time_to_detect_seconds").asDouble()).isGreaterThanOrEqualTo(300);
  }

  @Test
  @Order(5)
  void deletingTheRuleResolvesItsAlert() throws Exception {
    assertThat(ok("alerts", "rules", "delete", "latency-high").out())
        .contains("Deleted alert rule latency-high");
    assertThat(ok("alerts", "list", "--state", "resolved").out()).contains(alertId);
    assertThat(ok("incidents", "show", incidentId).out()).contains("incident-resolved");
    assertThat(ok("alerts", "rules", "list").out()).contains("No alert rules.");
  }

  @Test
  @Order(6)
  void showPrintsTheRootCauseOfAQualityAlert() throws Exception {
    // The deployment exists for the monitor once an application logs a prediction under it.
    HttpResponse<String> logged =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("/api/v1/projects/ops/predictions"))
                .header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"deployment\": \"flights-prod\", \"model\": \"delays\","
                            + " \"model_version\": \"3\", \"inputs\": {\"origin\": \"ORD\"},"
                            + " \"outputs\": {\"value\": 1}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(logged.statusCode()).as(logged.body()).isEqualTo(200);
    Path rule = files.resolve("origin.yaml");
    Files.writeString(
        rule,
        """
        name: origin-missing
        metric: missing_share
        column: origin
        deployment: flights-prod
        condition:
          threshold: {op: ">", value: 0.2}
        """);
    ok("alerts", "rules", "apply", rule);

    // Two hourly windows as the monitor stores them: distance drifting in both, origin going
    // missing in the second.
    Instant first = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
    Instant second = first.plus(Duration.ofHours(1));
    List<MetricPoint> before =
        List.of(
            point(first, MonitorMetric.MISSING_SHARE, "origin", 0.01),
            point(first, MonitorMetric.OUT_OF_RANGE_SHARE, "distance", 0),
            point(first, MonitorMetric.FEATURE_DRIFT, "distance", 0.7),
            point(first, MonitorMetric.DRIFT_DETECTED, "distance", 1));
    List<MetricPoint> broken =
        List.of(
            point(second, MonitorMetric.MISSING_SHARE, "origin", 0.48),
            point(second, MonitorMetric.OUT_OF_RANGE_SHARE, "distance", 0.12),
            point(second, MonitorMetric.FEATURE_DRIFT, "distance", 0.9),
            point(second, MonitorMetric.DRIFT_DETECTED, "distance", 1));
    server.monitoring().monitors().savePoints(before);
    server.monitoring().monitors().savePoints(broken);
    server.alerting().figures(projectId, before);
    List<AlertEvent> fired = server.alerting().figures(projectId, broken);
    assertThat(fired).extracting(AlertEvent::kind).containsExactly(AlertEvent.Kind.FIRING);
    String id = fired.getFirst().alertId();

    assertThat(ok("alerts", "show", id).out())
        .contains("Alert " + id + " (origin-missing): missing_share of flights-prod for origin")
        .contains(
            "Root cause: origin missing in 48% of rows; distance out of range in 12% of values;"
                + " distance drifted (effect 0.9) since "
                + first)
        .contains("window " + second + " to " + second.plus(Duration.ofHours(1)))
        .contains("Quality:", "origin  missing_share 48% (before: 1%)")
        .contains("Drifted features:", "distance  effect 0.9 since " + first);
    JsonNode json = JSON.readTree(ok("alerts", "show", id, "--json").out());
    assertThat(json.at("/root_cause/quality/0/column").asText()).isEqualTo("origin");
    assertThat(ok("incidents", "show", fired.getFirst().incidentId()).out())
        .contains("Alert " + id + " (origin-missing):", "  Root cause: origin missing in 48%");
    Cli.Result missing = tend("alerts", "show", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
    assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
    assertThat(missing.err()).contains("has no alert with the id").doesNotContain("\tat ");
  }

  static MetricPoint point(Instant start, MonitorMetric metric, String column, double value) {
    return MetricPoint.of(
        "flights-prod", "*", start, start.plus(Duration.ofHours(1)), metric, column, value, 500);
  }

  @Test
  @Order(7)
  void aFileOfSeveralRulesIsCheckedWholeThenApplied() throws Exception {
    Path rules = files.resolve("rules.yaml");
    Files.writeString(
        rules,
        """
        # two rules of one deployment
        name: missing-inputs
        metric: missing_share
        column: "*"
        condition: {threshold: "> 0.02"}
        ---
        name: auc-low
        metric: roc_auc
        condition: {threshold: "< 0.6"}
        for: 2
        """);
    Path bad = files.resolve("bad-rules.yaml");
    Files.writeString(
        bad, Files.readString(rules).replace("auc-low", "auc-low2").replace("roc_auc", "roc_acu"));
    // The second rule is wrong: the error points at its line in the file and nothing is applied.
    Cli.Result refused = tend("alerts", "rules", "apply", bad);
    Cli.assertCleanUsageError(refused);
    assertThat(refused.err()).contains("bad-rules.yaml:8:9", "unknown metric 'roc_acu'");
    assertThat(ok("alerts", "rules", "list").out()).doesNotContain("missing-inputs", "auc-low2");

    assertThat(ok("alerts", "rules", "apply", rules).out())
        .contains("Created alert rule missing-inputs (version 1) in project ops")
        .contains("Created alert rule auc-low (version 1) in project ops");
    assertThat(ok("alerts", "rules", "show", "auc-low").out())
        .contains("metric: roc_auc")
        .doesNotContain("missing_share", "---");
  }
}
