package dev.tend.cli.automation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.alert.AlertEvent;
import dev.tend.cli.Cli;
import dev.tend.cli.TestServers;
import dev.tend.cli.monitor.ServedPenguins;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop inside one real server, through its HTTP API and {@code tend automation}: an
 * alert on the deployed penguin model fires, its policy retrains with a real pipeline, gates the
 * challenger against the champion on the labelled traffic logged since, rolls it out as a canary
 * judged on real predictions and promotes it; then a gate rejects, the guardrails skip, and a
 * person approves and rejects. Actions are advanced by calling the service's tick, as its timer
 * would. The tests build on each other in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutomationLoopTest {
  static final String PROJECT = ServedPenguins.PROJECT;
  static final String AUTOMATION = PROJECT + "/automation";
  static final String PIPELINE =
      """
      version: 1
      name: retrain-species
      params:
        rounds: {type: integer, default: 40}
      steps:
        - id: train
          kind: train
          dataset: penguins@latest
          label: Species
          features: [Island, "`Beak Length (mm)`", "`Beak Depth (mm)`", "`Flipper Length (mm)`"]
          task: multiclass
          split: {method: random, fraction: 0.2}
          hyperparameters: {rounds: "${params.rounds}", max_depth: 3}
          seed: 7
        - id: register
          kind: register
          needs: [train]
          model: species
          from: ${steps.train.outputs.model}
      """;
  static final String RULE =
      """
      name: species-slow
      metric: latency_p99_ms
      deployment: species-dev
      condition: {threshold: {op: ">", value: 250}}
      severity: critical
      """;
  static final String POLICY =
      """
      version: 1
      name: retrain-species
      description: Retrain the species model when it degrades.
      deployment: species-dev
      on:
        rules: [species-slow]
        severities: [critical]
      retrain:
        pipeline: retrain-species
      gate:
        metric: log_loss
        min_improvement: 0.01
        rows: 1000
        min_rows: 100
        wait: 1m
      canary:
        percent: 50
        window: 1s
        windows: 1
        failed_windows: 3
        min_requests: 3
      promote_alias: production
      approval: never
      guardrails:
        cooldown: 1h
        max_per_day: 3
      """;

  @TempDir static Path serverDir;
  @TempDir static Path files;
  static ServedPenguins zoo;
  static String projectId;

  @BeforeAll
  static void start() throws Exception {
    zoo = ServedPenguins.start(TestServers.start(serverDir));
    projectId = zoo.send("GET", PROJECT, null, 200).path("id").asText();
    ObjectNode pipeline = ServedPenguins.JSON.createObjectNode().put("yaml", PIPELINE);
    zoo.send("PUT", PROJECT + "/pipelines/retrain-species", pipeline.toString(), 201);
    zoo.send("PUT", PROJECT + "/alert-rules/species-slow", RULE, "application/yaml", 201);
    /* Every penguin is asked about once and labelled: the traffic the gate judges on. */
    zoo.predict("p-", 0, zoo.penguins.size(), row -> row);
    zoo.label("p-", IntStream.range(0, zoo.penguins.size()));
  }

  @AfterAll
  static void stop() {
    if (zoo != null) {
      zoo.close();
    }
  }

  static Cli.Result tend(Object... args) {
    Map<String, String> environment = new HashMap<>();
    environment.put("TEND_URL", zoo.server.uri().toString());
    environment.put("TEND_TOKEN", zoo.admin);
    environment.put("TEND_PROJECT", "zoo");
    return Cli.runWith(environment, args);
  }

  static Cli.Result ok(Object... args) {
    Cli.Result result = tend(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  /** Ticks automation until the action reaches {@code state} (or fails the test). */
  static JsonNode until(String id, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      zoo.server.automation().tick();
      JsonNode action = zoo.send("GET", AUTOMATION + "/actions/" + id, null, 200);
      String now = action.path("state").asText();
      if (now.equals(state)) {
        return action;
      }
      assertThat(now)
          .as("action %s went %s instead of %s: %s", id, now, state, action)
          .isNotIn("promoted", "failed", "rejected-by-gate", "rejected", "rolled-back", "skipped");
      assertThat(System.nanoTime()).as("action %s stuck in %s", id, now).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  static List<String> auditKinds(JsonNode action) {
    List<String> kinds = new ArrayList<>();
    action.path("audit").forEach(e -> kinds.add(e.path("kind").asText()));
    return kinds;
  }

  @Test
  @Order(1)
  void aBadPolicyIsRefusedWhereItIsWrongAndChangesNothing() throws Exception {
    Path bad = files.resolve("bad.yaml");
    Files.writeString(bad, POLICY.replace("metric: log_loss", "metric: logloss"));
    Cli.Result refused = tend("automation", "apply", bad);
    Cli.assertCleanUsageError(refused);
    assertThat(refused.err())
        .contains("bad.yaml:11:11", "unknown gate metric 'logloss'", "log_loss");

    JsonNode problem =
        zoo.send(
            "PUT",
            AUTOMATION + "/policies/retrain-species",
            POLICY.replace("deployment: species-dev", "deployment: species-prod"),
            "application/yaml",
            422);
    assertThat(problem.path("detail").asText()).contains("no deployment named 'species-prod'");
    problem =
        zoo.send(
            "PUT",
            AUTOMATION + "/policies/retrain-species",
            POLICY.replace("  percent: 50", "  percent: 150"),
            "application/yaml",
            422);
    assertThat(problem.path("detail").asText())
        .contains("retrain-species.yaml:17:12", "canary.percent must be from 1 to 99");
    zoo.send("GET", AUTOMATION + "/policies/retrain-species", null, 404);
    zoo.send("POST", AUTOMATION + "/policies/retrain-species/trigger", null, 404);

    Path policy = files.resolve("retrain.yaml");
    Files.writeString(policy, POLICY);
    assertThat(ok("automation", "apply", policy).out())
        .contains(
            "Created automation policy retrain-species (version 1) for deployment species-dev");
    assertThat(ok("automation", "list").out())
        .contains("retrain-species", "species-dev", "species-slow", "log_loss", "never");
  }

  @Test
  @Order(2)
  void aFiringAlertRetrainsGatesCanariesAndPromotes() throws Exception {
    /* Later than any window the server's own monitor judged, so the window is a new one. */
    Instant end = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);
    MetricPoint slow =
        MetricPoint.of(
            "species-dev",
            "*",
            end.minus(Duration.ofMinutes(5)),
            end,
            MonitorMetric.LATENCY_P99_MS,
            "",
            480,
            1_200);
    List<AlertEvent> events = zoo.server.alerting().figures(projectId, List.of(slow));
    assertThat(events).extracting(AlertEvent::kind).containsExactly(AlertEvent.Kind.FIRING);
    String incident = events.getFirst().incidentId();

    JsonNode listed = zoo.send("GET", AUTOMATION + "/actions?policy=retrain-species", null, 200);
    assertThat(listed.path("items")).hasSize(1);
    JsonNode queued = listed.path("items").get(0);
    assertThat(queued.path("state").asText()).isEqualTo("queued");
    assertThat(queued.at("/trigger/kind").asText()).isEqualTo("alert");
    assertThat(queued.at("/trigger/rule").asText()).isEqualTo("species-slow");
    assertThat(queued.at("/trigger/alert_id").asText()).isEqualTo(events.getFirst().alertId());
    String id = queued.path("id").asText();

    JsonNode canary = until(id, "canary");
    assertThat(canary.at("/champion/version").asInt()).isEqualTo(1);
    assertThat(canary.at("/challenger/version").asInt()).isEqualTo(2);
    JsonNode gate = canary.path("gate");
    assertThat(gate.path("metric").asText()).isEqualTo("log_loss");
    assertThat(gate.path("rows").asInt()).isEqualTo(zoo.penguins.size());
    assertThat(gate.path("passed").asBoolean()).isTrue();
    assertThat(gate.path("challenger").asDouble())
        .isLessThan(gate.path("champion").asDouble() - 0.01);
    JsonNode run =
        zoo.send(
            "GET",
            PROJECT + "/pipeline-runs/" + canary.path("pipeline_run_id").asText(),
            null,
            200);
    assertThat(run.path("created_by").asText()).isEqualTo("automation:retrain-species");
    JsonNode deployment = zoo.send("GET", PROJECT + "/deployments/species-dev", null, 200);
    assertThat(deployment.at("/deployment/traffic/candidate/mode").asText())
        .as(deployment.toString())
        .isEqualTo("canary");
    assertThat(deployment.at("/deployment/traffic/candidate/version").asInt()).isEqualTo(2);

    /* Real traffic for the rollout controller to judge the canary on. */
    AtomicBoolean serving = new AtomicBoolean(true);
    Thread traffic =
        Thread.ofVirtual()
            .start(
                () -> {
                  int i = 0;
                  while (serving.get()) {
                    try {
                      zoo.predict("canary-" + i + "-", i % 300, i % 300 + 1, row -> row);
                      i++;
                      Thread.sleep(20);
                    } catch (Exception e) {
                      return;
                    }
                  }
                });
    JsonNode promoted;
    try {
      promoted = until(id, "promoted");
    } finally {
      serving.set(false);
      traffic.join();
    }
    assertThat(auditKinds(promoted))
        .containsExactly(
            "queued", "training", "gating", "gate-passed", "canary-started", "promoted");
    assertThat(promoted.path("audit").get(0).path("actor").asText()).isEqualTo("alerting");
    assertThat(promoted.path("audit").get(5).path("actor").asText())
        .isEqualTo("automation:retrain-species");
    assertThat(promoted.path("finished_at").isTextual()).isTrue();
    JsonNode stable = zoo.send("GET", PROJECT + "/deployments/species-dev", null, 200);
    assertThat(stable.at("/deployment/traffic/candidate").isMissingNode())
        .as(stable.toString())
        .isTrue();
    assertThat(stable.at("/deployment/version").asInt()).isEqualTo(2);
    JsonNode alias =
        zoo.send(
            "GET",
            "/api/2.0/mlflow/registered-models/alias?name=zoo/species&alias=production",
            null,
            200);
    assertThat(alias.at("/model_version/version").asText()).isEqualTo("2");

    JsonNode timeline = zoo.send("GET", PROJECT + "/incidents/" + incident, null, 200);
    List<String> notes = new ArrayList<>();
    timeline
        .path("timeline")
        .forEach(
            e -> {
              if (e.path("actor").asText().startsWith("automation:")) {
                notes.add(e.path("detail").asText());
              }
            });
    assertThat(String.join("\n", notes))
        .contains("queued a retrain", ": training", ": gating", ": canary", ": promoted");

    assertThat(ok("automation", "action", id).out())
        .contains("Action " + id + " of policy retrain-species on species-dev: promoted")
        .contains("challenger: species/2", "gate:       log_loss", "passed", "canary-started");
  }

  @Test
  @Order(3)
  void theCooldownSkipsAnotherAction() throws Exception {
    Cli.Result skipped = ok("automation", "trigger", "retrain-species", "--reason", "again");
    assertThat(skipped.out()).contains("Skipped: cooldown");
    JsonNode list =
        ServedPenguins.JSON.readTree(
            ok(
                    "automation",
                    "actions",
                    "--policy",
                    "retrain-species",
                    "--state",
                    "skipped",
                    "--json")
                .out());
    assertThat(list.path("items")).hasSize(1);
    assertThat(list.at("/items/0/trigger/actor").asText()).isEqualTo("admin");
    assertThat(list.at("/items/0/reason").asText()).startsWith("cooldown");
  }

  @Test
  @Order(4)
  void aChallengerNoBetterIsRejectedByTheGateAndTheDailyCapHolds() throws Exception {
    String strict =
        POLICY
            .replace("name: retrain-species\ndescription", "name: strict\ndescription")
            .replace("min_improvement: 0.01", "min_improvement: 5")
            .replace("cooldown: 1h", "cooldown: 0s")
            .replace("max_per_day: 3", "max_per_day: 1")
            .replace("rules: [species-slow]", "rules: [never-fires]");
    zoo.send("PUT", AUTOMATION + "/policies/strict", strict, "application/yaml", 201);
    JsonNode first = zoo.send("POST", AUTOMATION + "/policies/strict/trigger", null, 201);
    assertThat(first.path("state").asText()).isEqualTo("queued");
    JsonNode open = zoo.send("POST", AUTOMATION + "/policies/strict/trigger", null, 201);
    assertThat(open.path("state").asText()).isEqualTo("skipped");
    assertThat(open.path("reason").asText()).contains("still open");

    JsonNode rejected = until(first.path("id").asText(), "rejected-by-gate");
    assertThat(rejected.at("/gate/passed").asBoolean()).isFalse();
    assertThat(rejected.at("/gate/min_improvement").asDouble()).isEqualTo(5.0);
    assertThat(rejected.path("reason").asText()).startsWith("gate failed: challenger log_loss");
    assertThat(auditKinds(rejected)).containsExactly("queued", "training", "gating", "gate-failed");
    JsonNode deployment = zoo.send("GET", PROJECT + "/deployments/species-dev", null, 200);
    assertThat(deployment.at("/deployment/traffic/candidate").isMissingNode()).isTrue();

    JsonNode capped = zoo.send("POST", AUTOMATION + "/policies/strict/trigger", null, 201);
    assertThat(capped.path("state").asText()).isEqualTo("skipped");
    assertThat(capped.path("reason").asText()).startsWith("daily cap");
  }

  @Test
  @Order(5)
  void anApprovalIsAskedForAndAPersonRejectsThenApproves() throws Exception {
    String careful =
        POLICY
            .replace("name: retrain-species\ndescription", "name: careful\ndescription")
            .replace("min_improvement: 0.01", "min_improvement: -5")
            .replace("approval: never", "approval: always")
            .replace("cooldown: 1h", "cooldown: 0s")
            .replace("rules: [species-slow]", "rules: [never-fires]");
    zoo.send("PUT", AUTOMATION + "/policies/careful", careful, "application/yaml", 201);

    String first =
        zoo.send("POST", AUTOMATION + "/policies/careful/trigger", null, 201).path("id").asText();
    until(first, "awaiting-approval");
    Cli.assertCleanUsageError(tend("automation", "reject", first));
    zoo.send("POST", AUTOMATION + "/actions/" + first + "/reject", "{}", 422);
    assertThat(ok("automation", "reject", first, "--reason", "not today").out())
        .contains("is now rejected: rejected by admin: not today");
    JsonNode conflict = zoo.send("POST", AUTOMATION + "/actions/" + first + "/approve", null, 409);
    assertThat(conflict.path("detail").asText()).contains("is rejected");
    zoo.send("POST", AUTOMATION + "/actions/01ARZ3NDEKTSV4RRFFQ69G5FAV/approve", null, 404);

    String second =
        zoo.send("POST", AUTOMATION + "/policies/careful/trigger", null, 201).path("id").asText();
    until(second, "awaiting-approval");
    assertThat(ok("automation", "approve", second, "--reason", "looks good").out())
        .contains("is now canary");
    JsonNode approved = zoo.send("GET", AUTOMATION + "/actions/" + second, null, 200);
    assertThat(auditKinds(approved))
        .containsExactly("queued", "training", "gating", "gate-passed", "approved");
    assertThat(approved.path("audit").get(4).path("actor").asText()).isEqualTo("admin");
    assertThat(approved.path("rollout_revision").asInt()).isPositive();
    JsonNode deployment = zoo.send("GET", PROJECT + "/deployments/species-dev", null, 200);
    assertThat(deployment.at("/deployment/traffic/candidate/mode").asText())
        .as(deployment.toString())
        .isEqualTo("canary");
  }
}
