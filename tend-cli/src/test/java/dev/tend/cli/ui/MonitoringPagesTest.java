package dev.tend.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.monitor.ServedPenguins;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;

/**
 * The monitoring pages in Chromium: a deployment of its own ({@code species-watch}, the penguin
 * model) watched in one-second windows gets a window of ordinary penguins and one with shifted
 * beaks and flippers, labels for both, and then the list shows its figures and its page draws the
 * drift heat map, performance with label coverage and data quality against accuracy.
 */
@ExtendWith(UiWorld.Resolver.class)
class MonitoringPagesTest {
  static final String DEPLOYMENT = "species-watch";
  static final String API = ServedPenguins.PROJECT + "/deployments/" + DEPLOYMENT;

  static ServedPenguins zoo;
  static Chromium browser;

  @BeforeAll
  static void setUp(UiWorld world) throws Exception {
    zoo = world.penguins();
    zoo.send("PUT", API, "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\"}", 201);
    zoo.send("PUT", API + "/monitor", "{\"window\": \"1s\"}", 200);
    // Every fourth penguin, so the calm window looks like the training data.
    predict("calm-", 0, row -> row);
    Thread.sleep(1_100);
    predict(
        "shifted-",
        2,
        row -> {
          row.computeIfPresent("Beak Length (mm)", (k, v) -> ((Number) v).doubleValue() + 25);
          row.computeIfPresent("Flipper Length (mm)", (k, v) -> ((Number) v).doubleValue() + 60);
          return row;
        });
    Thread.sleep(1_100);
    label("calm-", 0);
    label("shifted-", 2);
    waitForLabelledWindows(2);
    browser = world.signedInBrowser();
  }

  @AfterAll
  static void quit() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void theListShowsTheDeploymentsLatestWindow() {
    browser.open("/projects/zoo/monitoring");
    browser.assertNoConsoleErrors();
    var row =
        browser.find("#monitors").findElement(By.xpath(".//tr[td/a[text()='" + DEPLOYMENT + "']]"));
    assertThat(row.getText()).contains("1s").contains("training data of species v1");
    assertThat(row.findElements(By.cssSelector(".badge"))).hasSizeGreaterThanOrEqualTo(2);
    browser.screenshot("monitoring-list");

    browser.follow(row.findElement(By.linkText(DEPLOYMENT)));
    assertThat(browser.text("h1")).isEqualTo(DEPLOYMENT);
  }

  @Test
  void theDeploymentPageDrawsDriftPerformanceAndQualityAgainstAccuracy() {
    browser.open("/projects/zoo/monitoring/" + DEPLOYMENT);
    browser.assertNoConsoleErrors();
    assertThat(browser.drawnPoints("#drift-heatmap")).isPositive();
    assertThat(browser.drawnPoints("#performance")).isPositive();
    assertThat(browser.drawnPoints("#quality-accuracy")).isPositive();
    assertThat(browser.text("#drift-heatmap + p")).contains("counts as drifted at");

    String features = browser.text("#features");
    assertThat(features).contains("Beak Length (mm)").contains("Flipper Length (mm)");
    assertThat(browser.all("#features .badge.bad"))
        .as("the shifted beaks and flippers drifted in the latest window")
        .isNotEmpty();
    browser.screenshot("monitoring-deployment");
    scrollTo("#performance");
    browser.screenshot("monitoring-deployment-performance");
    scrollTo("#features");
    browser.screenshot("monitoring-deployment-features");

    browser.open("/projects/zoo/monitoring/" + DEPLOYMENT + "?version=no-such-version");
    browser.assertNoConsoleErrors();
    assertThat(browser.text("#no-windows")).contains("No windows");
  }

  @Test
  void twoHundredWindowsOfManyFeaturesAnswerInTimeAndAFeatureNamedLikeMarkupIsText()
      throws Exception {
    String load = "species-load";
    zoo.send(
        "PUT",
        ServedPenguins.PROJECT + "/deployments/" + load,
        "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\"}",
        201);
    zoo.send(
        "PUT",
        ServedPenguins.PROJECT + "/deployments/" + load + "/monitor",
        "{\"window\": \"1m\"}",
        200);
    List<String> features = new ArrayList<>(List.of("<script>alert(1)</script>"));
    for (int f = 1; f < 30; f++) {
      features.add("feature " + f);
    }
    Instant last = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    List<MetricPoint> points = new ArrayList<>();
    int windows = 0;
    int columns = 0;
    for (int w = 0; w < 240; w++) {
      if (w % 7 == 3) {
        continue; // a window without traffic
      }
      Instant start = last.minus(Duration.ofMinutes(w));
      if (w < 200) {
        windows++;
        columns = w + 1; // from the oldest shown window with figures to the newest
      }
      for (MonitorMetric m :
          List.of(
              MonitorMetric.ROWS,
              MonitorMetric.QUALITY_SCORE,
              MonitorMetric.ACCURACY,
              MonitorMetric.LABEL_COVERAGE,
              MonitorMetric.DRIFTED_FEATURE_SHARE)) {
        points.add(point(load, start, m, "", 0.5 + (w % 10) / 20.0));
      }
      for (String f : features) {
        points.add(point(load, start, MonitorMetric.FEATURE_DRIFT, f, (w % 13) / 13.0));
        points.add(point(load, start, MonitorMetric.DRIFT_DETECTED, f, w % 13 > 6 ? 1 : 0));
        points.add(point(load, start, MonitorMetric.MISSING_SHARE, f, 0.01));
      }
    }
    zoo.server.monitoring().monitors().savePoints(points);

    browser.open("/projects/zoo/monitoring/" + load);
    browser.assertNoConsoleErrors();
    /* Window 199 had no traffic, so the charts start at window 198: 199 columns, gaps included. */
    assertThat(columns).isEqualTo(199);
    assertThat(browser.text("#windows")).isEqualTo(String.valueOf(columns));
    assertThat(browser.text("#windows-with-figures")).isEqualTo(String.valueOf(windows));
    assertThat(browser.drawnPoints("#drift-heatmap")).isEqualTo(windows * 30L);
    assertThat(browser.drawnPoints("#quality-accuracy")).isEqualTo(windows * 2L);
    assertThat(browser.text("#features")).contains("<script>alert(1)</script>");
    browser.screenshot("monitoring-deployment-200-windows");

    browser.open("/projects/zoo/monitoring");
    browser.assertNoConsoleErrors();
  }

  private static MetricPoint point(
      String deployment, Instant start, MonitorMetric metric, String column, double value) {
    return MetricPoint.of(
        deployment,
        MetricPoint.ALL_VERSIONS,
        start,
        start.plus(Duration.ofMinutes(1)),
        metric,
        column,
        value,
        100);
  }

  @Test
  void aDeploymentOfAnotherProjectOrNoneIsNotFound() {
    browser.open("/projects/zoo/monitoring/no-such-deployment");
    assertThat(browser.text("main")).contains("no deployment named");
    assertThat(browser.consoleErrors()).singleElement().asString().contains("404");
  }

  private static void scrollTo(String css) {
    browser.driver().executeScript("arguments[0].scrollIntoView()", browser.find(css));
  }

  /* Predicts every fourth penguin from {@code first}, ids {@code species-watch-PREFIX-i}. */
  private static void predict(String prefix, int first, UnaryOperator<Map<String, Object>> change)
      throws Exception {
    zoo.predict(DEPLOYMENT, DEPLOYMENT + "-" + prefix, everyFourth(first), change);
  }

  /* Labels three in four of the predictions {@link #predict} made from {@code first}. */
  private static void label(String prefix, int first) throws Exception {
    zoo.label(DEPLOYMENT + "-" + prefix, everyFourth(first).filter(i -> i % 16 != first));
  }

  private static IntStream everyFourth(int first) {
    return IntStream.iterate(first, i -> i < zoo.penguins.size(), i -> i + 4);
  }

  /* Runs the monitor until it stored label coverage for {@code windows} windows. */
  private static void waitForLabelledWindows(int windows) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      zoo.server.monitoring().runner().runOnce(Instant.now().plus(Duration.ofSeconds(3)));
      JsonNode listed = zoo.send("GET", API + "/monitor/windows", null, 200);
      int labelled = 0;
      for (JsonNode w : listed.path("items")) {
        if (w.path("figures").has("label_coverage") && w.path("figures").has("accuracy")) {
          labelled++;
        }
      }
      if (labelled >= windows) {
        return;
      }
      assertThat(System.nanoTime()).as("labelled windows: " + listed).isLessThan(deadline);
      Thread.sleep(200);
    }
  }
}
