package dev.tend.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.monitor.ServedPenguins;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The alerts, operations and overview pages in Chromium, on an alert that fires for real: a rule on
 * a column's missing share, a short monitor window of predictions that lack it, and the monitor's
 * run. The alert is listed, its page shows the root cause, Acknowledge acknowledges it (the API
 * says so) and the timeline shows it. The overviews then show the open alert and the monitor's last
 * window.
 */
@ExtendWith(UiWorld.Resolver.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertPagesTest {
  private static final String RULE_NAME = "ui-alerts-beak-depth-missing";
  private static final String RULE =
      """
      name: ui-alerts-beak-depth-missing
      metric: missing_share
      column: Beak Depth (mm)
      deployment: species-dev
      condition: {threshold: {op: ">", value: 0.5}}
      severity: critical
      annotations:
        summary: "{{column}} is missing in {{value}} of {{deployment}}'s inputs"
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
  static void tearDown() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (zoo != null) {
      /* Deleting the rule resolves its alert, so other classes see no alert of ours open. */
      zoo.send("DELETE", ServedPenguins.PROJECT + "/alert-rules/" + RULE_NAME, null, 204);
    }
  }

  @Test
  @Order(1)
  void anAlertFiresIsShownWithItsRootCauseAndIsAcknowledgedFromItsPage() throws Exception {
    String alertId = fireAlert();

    browser.open("/projects/zoo/alerts?state=firing");
    assertThat(browser.text("tr[data-alert='" + alertId + "']"))
        .contains(RULE_NAME, "critical", "species-dev", "firing");
    assertThat(browser.text("#rules")).contains(RULE_NAME, "missing_share");
    browser.assertNoConsoleErrors();
    browser.screenshot("alerts-list");

    browser.follow(
        browser.find("tr[data-alert='" + alertId + "']").findElement(By.linkText(RULE_NAME)));
    assertThat(browser.text("#alert-state")).isEqualTo("firing");
    assertThat(browser.text("#root-cause-summary")).contains("Beak Depth (mm)");
    assertThat(browser.text("#quality")).contains("Beak Depth (mm)", "missing_share");
    assertThat(browser.all("#timeline li[data-kind='alert-fired']")).hasSize(1);
    browser.assertNoConsoleErrors();
    browser.screenshot("alerts-alert-firing");

    browser.confirm("#acknowledge");
    assertThat(browser.text("#flash")).contains("Acknowledged alert " + RULE_NAME);
    assertThat(browser.text("#alert-state")).isEqualTo("acknowledged");
    assertThat(browser.text("#acknowledged-by")).isEqualTo("admin");
    assertThat(browser.all("#timeline li[data-kind='alert-acknowledged']")).hasSize(1);
    assertThat(browser.all("#acknowledge")).isEmpty();
    JsonNode acknowledged =
        zoo.send("GET", ServedPenguins.PROJECT + "/alerts/" + alertId, null, 200);
    assertThat(acknowledged.path("state").asText()).isEqualTo("acknowledged");
    assertThat(acknowledged.path("acknowledged_by").asText()).isEqualTo("admin");

    browser.find("#comment").sendKeys("<b>looking</b> at the beak feed");
    browser.follow("#add-comment");
    assertThat(browser.text("#flash")).contains("Comment added");
    assertThat(browser.text("#timeline li[data-kind='comment']"))
        .contains("<b>looking</b> at the beak feed");
    browser.assertNoConsoleErrors();
    browser.screenshot("alerts-alert-acknowledged");

    browser.open("/projects/zoo/alerts?state=open");
    assertThat(browser.text("main")).contains("state must be firing");
    browser.consoleErrors();
  }

  @Test
  @Order(2)
  void operationsAndBothOverviewsDrawTheirFigures() throws Exception {
    browser.open("/projects/zoo/operations");
    assertThat(Integer.parseInt(browser.text("#figure-deployments"))).isGreaterThan(0);
    assertThat(browser.drawnPoints("#chart-deployments")).isGreaterThan(0);
    assertThat(browser.drawnPoints("#chart-actions")).isGreaterThan(0);
    browser.assertNoConsoleErrors();
    browser.screenshot("operations");

    browser.open("/projects/zoo/operations?bucket=week");
    assertThat(browser.drawnPoints("#chart-deployments")).isGreaterThan(0);
    browser.assertNoConsoleErrors();
    browser.screenshot("operations-weekly");

    /* Every deployment of these tests serves in dev: prod has none, dev has them all. */
    int all = Integer.parseInt(browser.text("#figure-deployments"));
    new Select(browser.find("#environment")).selectByVisibleText("dev");
    browser.follow("#period button[type=submit]");
    assertThat(browser.driver().getCurrentUrl()).contains("environment=dev", "bucket=week");
    assertThat(browser.text("h1")).isEqualTo("Operations in dev");
    assertThat(Integer.parseInt(browser.text("#figure-deployments"))).isEqualTo(all);
    browser.open("/projects/zoo/operations?environment=prod");
    assertThat(new Select(browser.find("#environment")).getFirstSelectedOption().getText())
        .isEqualTo("prod");
    assertThat(browser.text("#figure-deployments")).isEqualTo("0");
    assertThat(browser.text("h1")).isEqualTo("Operations in prod");
    browser.assertNoConsoleErrors();
    assertThat(browser.fetch("/projects/zoo/operations?environment=moon").statusCode())
        .isEqualTo(400);

    browser.open("/");
    assertThat(browser.text("#projects tr[data-project='zoo']"))
        .contains("species-dev", "species v", "critical", "drift");
    assertThat(browser.text("#projects tr[data-project='zoo'] .health")).isEqualTo("failing");
    browser.assertNoConsoleErrors();
    browser.screenshot("overview-projects");

    browser.open("/projects/zoo");
    assertThat(browser.text("#health")).isEqualTo("failing");
    assertThat(browser.text("#card-alerts")).contains("critical");
    assertThat(browser.text("#deployments")).contains("species-dev", "species v");
    assertThat(browser.text("#deployments td:nth-child(4)")).endsWith("%");
    assertThat(browser.text("#datasets")).contains("accepted");
    browser.follow("#card-alerts");
    assertThat(browser.text("nav.sections a.current")).isEqualTo("Alerts");
    browser.open("/projects/zoo");
    browser.assertNoConsoleErrors();
    browser.screenshot("overview-zoo");
    for (String page :
        new String[] {
          "/", "/projects/zoo", "/projects/zoo/alerts", "/projects/zoo/operations?bucket=week"
        }) {
      assertThat(serverMillis(page)).isPositive();
    }
  }

  /*
   * The server time of a page (its Server-Timing, the fastest of five), asked with the browser's session: printed, not
   * asserted, as this machine's load varies; the pages read a bounded amount (docs/ui.md).
   */
  private static double serverMillis(String path) throws Exception {
    String cookie = browser.driver().manage().getCookieNamed("tend_session").getValue();
    double fastest = Double.MAX_VALUE;
    try (HttpClient http = HttpClient.newHttpClient()) {
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> page =
            http.send(
                HttpRequest.newBuilder(world.uri().resolve(path))
                    .header("Cookie", "tend_session=" + cookie)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(path).isEqualTo(200);
        String timing = page.headers().firstValue("Server-Timing").orElseThrow();
        fastest =
            Math.min(fastest, Double.parseDouble(timing.replaceAll(".*dur=([0-9.]+).*", "$1")));
      }
    }
    System.out.println("Server-Timing of " + path + ", fastest of 5: " + fastest + " ms");
    return fastest;
  }

  /* A window of predictions without the beak depth breaches the rule; the monitor runs at once. */
  private static String fireAlert() throws Exception {
    String monitor = ServedPenguins.PROJECT + "/deployments/species-dev/monitor";
    zoo.send("PUT", monitor, "{\"window\": \"1s\"}", 200);
    zoo.send(
        "PUT", ServedPenguins.PROJECT + "/alert-rules/" + RULE_NAME, RULE, "application/yaml", 201);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      zoo.predict(
          "ui-alerts-" + System.nanoTime() + "-",
          0,
          30,
          row -> {
            row.put("Beak Depth (mm)", null);
            return row;
          });
      Thread.sleep(1_100);
      zoo.server.monitoring().runner().runOnce(Instant.now().plus(Duration.ofSeconds(3)));
      for (JsonNode alert :
          zoo.send("GET", ServedPenguins.PROJECT + "/alerts?state=firing", null, 200)
              .path("items")) {
        if (alert.path("rule").asText().equals(RULE_NAME)) {
          return alert.path("id").asText();
        }
      }
    }
    throw new AssertionError("the rule " + RULE_NAME + " did not fire within 30 s");
  }
}
