package dev.tend.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.monitor.ServedPenguins;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * The deployment and automation pages in Chromium against the shared server: a canary of a second
 * penguin model on its own deployment is promoted and another rolled back by clicking, with the API
 * as witness; of two automation actions that wait for approval, one is rejected from its page and
 * the other approved, which starts its canary.
 */
@ExtendWith(UiWorld.Resolver.class)
class DeploymentPagesTest {
  static final String PROJECT = ServedPenguins.PROJECT;
  static final String PIPELINE =
      """
      version: 1
      name: ui-retrain
      steps:
        - id: train
          kind: train
          dataset: penguins@latest
          label: Species
          features: [Island, "`Beak Length (mm)`", "`Beak Depth (mm)`", "`Flipper Length (mm)`"]
          task: multiclass
          split: {method: random, fraction: 0.2}
          hyperparameters: {rounds: 5, max_depth: 3}
          seed: 7
        - id: register
          kind: register
          needs: [train]
          model: species
          from: ${steps.train.outputs.model}
      """;
  static final String POLICY =
      """
      version: 1
      name: ui-careful
      description: Retrain the species model, but ask first.
      deployment: ui-auto
      on:
        rules: [never-fires]
      retrain:
        pipeline: ui-retrain
      gate:
        metric: log_loss
        min_improvement: -5
        rows: 1000
        min_rows: 100
        wait: 1m
      canary:
        percent: 50
        window: 1m
        windows: 1
        failed_windows: 3
        min_requests: 3
      approval: always
      guardrails:
        cooldown: 0s
        max_per_day: 20
      """;

  static UiWorld world;
  static ServedPenguins zoo;
  static Chromium browser;

  @BeforeAll
  static void setUp(UiWorld shared) {
    world = shared;
    zoo = world.penguins();
    browser = world.signedInBrowser();
  }

  @AfterAll
  static void quit() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void aCanaryIsPromotedAndAnotherRolledBackByClicking() throws Exception {
    int v1 = 1;
    int v2 = train();
    zoo.send(
        "PUT",
        PROJECT + "/deployments/ui-canary",
        "{\"model\": \"species\", \"version\": " + v1 + ", \"environment\": \"dev\"}",
        201);
    zoo.send("PUT", PROJECT + "/deployments/ui-canary/monitor", "{\"window\": \"2s\"}", 200);
    rollout("ui-canary", v2);
    /* Traffic over a few monitor windows, so latency and errors have points to draw. */
    for (int batch = 0; batch < 3; batch++) {
      zoo.predict("ui-canary", "ui-canary-" + batch + "-", IntStream.range(0, 60), row -> row);
      Thread.sleep(2_100);
    }
    awaitMonitorPoints("ui-canary");

    browser.open("/projects/zoo/deployments");
    browser.assertNoConsoleErrors();
    String row = "tr[data-deployment='ui-canary']";
    assertThat(browser.text(row + " td.rollout")).isEqualTo("in-progress");
    assertThat(browser.text(row)).contains("species v" + v2, "canary 30%");
    browser.screenshot("deployments-list");

    browser.follow(row + " a");
    assertThat(browser.text("#rollout-state")).isEqualTo("in-progress");
    assertThat(browser.find("#deployment").getDomAttribute("data-refresh")).isEqualTo("5");
    assertThat(browser.drawnPoints("#traffic-chart")).isEqualTo(2);
    assertThat(browser.drawnPoints("#latency-chart")).isPositive();
    assertThat(browser.drawnPoints("#error-chart")).isPositive();
    assertThat(browser.text("#rollout")).contains("manual promotion", "Windows judged");
    browser.assertNoConsoleErrors();
    browser.screenshot("deployments-detail-canary");

    browser.confirm("#promote");
    assertThat(browser.text("#flash")).contains("Promoted species v" + v2);
    browser.assertNoConsoleErrors();
    JsonNode promoted = zoo.send("GET", PROJECT + "/deployments/ui-canary", null, 200);
    assertThat(promoted.at("/deployment/traffic/stable/version").asInt()).isEqualTo(v2);
    assertThat(
            promoted.at("/deployment/traffic/candidate").isMissingNode()
                || promoted.at("/deployment/traffic/candidate").isNull())
        .as(promoted.toString())
        .isTrue();
    assertThat(promoted.at("/rollout/state").asText()).isEqualTo("none");
    browser.screenshot("deployments-detail-promoted");

    /* Promoting again with no candidate is refused with a 409 page, and changes nothing. */
    browser.navigating(
        () ->
            browser
                .driver()
                .executeScript(
                    "var f = document.getElementById('start-rollout');"
                        + "f.removeAttribute('data-confirm');"
                        + "f.action = f.action.replace(/rollout$/, 'promote'); f.submit();"));
    assertThat(browser.text("main")).contains("409", "no rollout");
    assertThat(zoo.send("GET", PROJECT + "/deployments/ui-canary", null, 200)).isEqualTo(promoted);
    browser.consoleErrors();

    rollout("ui-canary", v1);
    browser.open("/projects/zoo/deployments/ui-canary");
    assertThat(browser.text("#candidate")).isEqualTo("species v" + v1);
    browser.confirm("#rollback");
    assertThat(browser.text("#flash")).contains("Rolled back species v" + v1);
    browser.assertNoConsoleErrors();
    JsonNode rolledBack = zoo.send("GET", PROJECT + "/deployments/ui-canary", null, 200);
    assertThat(rolledBack.at("/deployment/traffic/stable/version").asInt()).isEqualTo(v2);
    assertThat(rolledBack.at("/rollout/state").asText()).isEqualTo("none");
    assertThat(eventKinds(rolledBack)).contains("promoted", "rolled-back");
    assertThat(browser.text("#events")).contains("rolled-back", "promoted");
    browser.screenshot("deployments-detail-rolled-back");
  }

  @Test
  void actionsAwaitingApprovalAreRejectedAndApprovedFromTheirPages() throws Exception {
    zoo.send(
        "PUT",
        PROJECT + "/deployments/ui-auto",
        "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\"}",
        201);
    /* The labelled traffic the gate judges champion and challenger on. */
    zoo.predict("ui-auto", "ui-auto-", IntStream.range(0, zoo.penguins.size()), row -> row);
    zoo.label("ui-auto-", IntStream.range(0, zoo.penguins.size()));
    ObjectNode pipeline = ServedPenguins.JSON.createObjectNode().put("yaml", PIPELINE);
    zoo.send("PUT", PROJECT + "/pipelines/ui-retrain", pipeline.toString(), 201);
    zoo.send("PUT", PROJECT + "/automation/policies/ui-careful", POLICY, "application/yaml", 201);
    String id =
        zoo.send("POST", PROJECT + "/automation/policies/ui-careful/trigger", null, 201)
            .path("id")
            .asText();
    awaitState(id, "awaiting-approval");

    browser.open("/projects/zoo/automation");
    browser.assertNoConsoleErrors();
    assertThat(browser.text("tr[data-policy='ui-careful']"))
        .contains("ui-auto", "log_loss", "always", "50% for 1 × 1m");
    String row = "tr[data-action='" + id + "']";
    assertThat(browser.text(row + " .badge")).isEqualTo("awaiting-approval");
    browser.screenshot("automation-list");

    browser.follow(row + " a");
    assertThat(browser.text("#action-state")).isEqualTo("awaiting-approval");
    assertThat(browser.text("#gate")).contains("log_loss", "passed");
    assertThat(browser.drawnPoints("#gate-chart")).isEqualTo(2);
    assertThat(browser.all("#steps li"))
        .extracting(e -> e.findElement(By.tagName("strong")).getText())
        .containsExactly("queued", "training", "gating", "gate-passed");
    browser.assertNoConsoleErrors();
    browser.screenshot("automation-action-awaiting");

    browser.find("#reject-reason").sendKeys("not before the <review>");
    browser.confirm("#reject");
    assertThat(browser.text("#flash")).contains("it is now rejected");
    assertThat(browser.text("#action-state")).isEqualTo("rejected");
    assertThat(browser.all("#decision")).isEmpty();
    assertThat(browser.text("#steps")).contains("rejected by admin: not before the <review>");
    browser.assertNoConsoleErrors();
    browser.screenshot("automation-action-rejected");
    JsonNode rejected = zoo.send("GET", PROJECT + "/automation/actions/" + id, null, 200);
    assertThat(rejected.path("state").asText()).isEqualTo("rejected");
    assertThat(rejected.path("reason").asText()).endsWith("not before the <review>");

    /* The next action is approved: its challenger goes out as the policy's canary. */
    String next =
        zoo.send("POST", PROJECT + "/automation/policies/ui-careful/trigger", null, 201)
            .path("id")
            .asText();
    awaitState(next, "awaiting-approval");
    browser.open("/projects/zoo/automation/actions/" + next);
    assertThat(browser.text("#action-state")).isEqualTo("awaiting-approval");
    browser.confirm("#approve");
    assertThat(browser.text("#flash")).contains("Approved action " + next, "it is now canary");
    assertThat(browser.text("#action-state")).isEqualTo("canary");
    assertThat(browser.all("#decision")).isEmpty();
    assertThat(browser.text("#steps")).contains("approved by admin");
    /* The gate's figures are written to 4 significant digits, not as raw doubles. */
    assertThat(browser.text("#steps"))
        .containsPattern("champion: \\d")
        .doesNotContainPattern("\\.0*[1-9]\\d{4}")
        .doesNotContainPattern("\\dE-?\\d");
    browser.assertNoConsoleErrors();
    browser.screenshot("automation-action-approved");
    JsonNode approved = zoo.send("GET", PROJECT + "/automation/actions/" + next, null, 200);
    assertThat(approved.path("state").asText()).isEqualTo("canary");
    JsonNode deployment = zoo.send("GET", PROJECT + "/deployments/ui-auto", null, 200);
    assertThat(deployment.at("/deployment/traffic/candidate/percent").asInt())
        .as(deployment.toString())
        .isEqualTo(50);
    assertThat(deployment.at("/rollout/state").asText()).isEqualTo("in-progress");
    /* Ended here, so no canary of this test runs on under the tests that follow. */
    zoo.send("POST", PROJECT + "/deployments/ui-auto/rollout/rollback", "{}", 200);
  }

  private static int train() throws Exception {
    ObjectNode train = ServedPenguins.JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    ServedPenguins.FEATURES.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", 8).put("max_depth", 2);
    return zoo.send("POST", PROJECT + "/models/species/train", train.toString(), 201)
        .path("version")
        .asInt();
  }

  private static void rollout(String deployment, int version) throws Exception {
    zoo.send(
        "POST",
        PROJECT + "/deployments/" + deployment + "/rollout",
        "{\"model\": \"species\", \"version\": "
            + version
            + ", \"mode\": \"canary\", \"percent\": 30,"
            + " \"policy\": {\"window\": \"1m\", \"promotion\": \"manual\"}}",
        201);
  }

  private static void awaitMonitorPoints(String deployment) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (true) {
      JsonNode figures =
          zoo.send(
              "GET",
              PROJECT
                  + "/deployments/"
                  + deployment
                  + "/monitor/figures?metric=latency_p99_ms&from=2000-01-01T00:00:00Z",
              null,
              200);
      if (figures.path("items").size() >= 2) {
        return;
      }
      assertThat(System.nanoTime()).as("no monitor figures: %s", figures).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  private static void awaitState(String id, String state) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      zoo.server.automation().tick();
      JsonNode action = zoo.send("GET", PROJECT + "/automation/actions/" + id, null, 200);
      String now = action.path("state").asText();
      if (now.equals(state)) {
        return;
      }
      assertThat(now)
          .as("action %s went %s instead of %s: %s", id, now, state, action)
          .isNotIn("promoted", "failed", "rejected-by-gate", "rejected", "rolled-back", "skipped");
      assertThat(System.nanoTime()).as("action %s stuck in %s", id, now).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static List<String> eventKinds(JsonNode detail) {
    List<String> kinds = new ArrayList<>();
    detail.path("events").forEach(e -> kinds.add(e.path("kind").asText()));
    return kinds;
  }
}
