package dev.tend.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Cli;
import dev.tend.cli.monitor.ServedPenguins;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The runs and models pages in Chromium, on a project of their own ({@code runs-ui}): two trainings
 * of the penguin species model with other params, the first deployed, and a run logged through the
 * MLflow API with a metric history and a name, a param value and a tag that look like HTML.
 */
@ExtendWith(UiWorld.Resolver.class)
class RunPagesTest {
  static final String PROJECT = "/api/v1/projects/runs-ui";
  static final String MLFLOW = "/api/2.0/mlflow";
  /* MLflow refuses param and metric names with '<'; values, tags and run names take any text. */
  static final String HTML_VALUE = "<b>0.1</b>";

  static UiWorld world;
  static Chromium browser;
  static String mlflowRun;

  @BeforeAll
  static void setUp(UiWorld shared) throws Exception {
    world = shared;
    ServedPenguins api = world.penguins();
    api.send("POST", "/api/v1/projects", "{\"name\": \"runs-ui\"}", 201);
    api.send("PUT", PROJECT + "/datasets/penguins", null, 201);
    /* The zoo's world uploaded this file's blob already; a version only names it. */
    byte[] bytes = Files.readAllBytes(Cli.sharedData("penguins.json"));
    ObjectNode version = ServedPenguins.JSON.createObjectNode();
    version
        .putArray("files")
        .addObject()
        .put("path", "penguins.json")
        .put("size", bytes.length)
        .put(
            "sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    api.send("POST", PROJECT + "/datasets/penguins/versions", version.toString(), 201);
    train(api, 5, 3);
    train(api, 8, 2);
    api.send(
        "PUT",
        PROJECT + "/deployments/runs-ui-dev",
        "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\"}",
        201);

    String experiment =
        api.send(
                "POST",
                MLFLOW + "/experiments/create",
                "{\"name\": \"runs-ui-notebook\","
                    + " \"tags\": [{\"key\": \"tend.project\", \"value\": \"runs-ui\"}]}",
                200)
            .get("experiment_id")
            .asText();
    mlflowRun =
        api.send(
                "POST",
                MLFLOW + "/runs/create",
                "{\"experiment_id\": \""
                    + experiment
                    + "\", \"run_name\": \"<i>notebook</i>\", \"start_time\": 1700000000000}",
                200)
            .get("run")
            .get("info")
            .get("run_id")
            .asText();
    ObjectNode batch = ServedPenguins.JSON.createObjectNode().put("run_id", mlflowRun);
    batch.putArray("params").addObject().put("key", "lr").put("value", HTML_VALUE);
    batch.putArray("tags").addObject().put("key", "note").put("value", "<script>alert(1)</script>");
    for (int step = 0; step < 5; step++) {
      batch
          .withArray("metrics")
          .addObject()
          .put("key", "loss")
          .put("value", 1.0 / (step + 1))
          .put("timestamp", 1700000000000L + step * 1000)
          .put("step", step);
    }
    api.send("POST", MLFLOW + "/runs/log-batch", batch.toString(), 200);
    browser = world.signedInBrowser();
  }

  private static void train(ServedPenguins api, int rounds, int depth) throws Exception {
    ObjectNode train = ServedPenguins.JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    ServedPenguins.FEATURES.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", rounds).put("max_depth", depth);
    api.send("POST", PROJECT + "/models/species/train", train.toString(), 201);
  }

  @AfterAll
  static void quit() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void theRunsTableFiltersSortsAndComparesTwoTrainings() {
    browser.open("/projects/runs-ui/runs");
    browser.assertNoConsoleErrors();
    assertThat(browser.all("#runs tbody tr")).hasSize(3);
    assertThat(browser.all("#runs thead th.param"))
        .extracting(WebElement::getText)
        .as("the params that tell runs apart come first")
        .startsWith("boosted_rounds", "rounds", "xgboost.max_depth");
    assertThat(browser.text("#runs")).contains("penguins@1", "<i>notebook</i>");
    assertThat(browser.all("#runs b, #runs i")).as("names are text, not markup").isEmpty();
    browser.screenshot("runs-list");

    browser.find("#filter").sendKeys("params.xgboost.max_depth = '2'");
    browser.follow("#apply");
    browser.find("#run-filters");
    assertThat(browser.all("#runs tbody tr")).hasSize(1);
    assertThat(browser.text("#runs tbody")).contains("species-train");
    browser.assertNoConsoleErrors();

    browser.open("/projects/runs-ui/runs?filter=" + "params.max_depth%20%3D%3D%20x");
    assertThat(browser.text("#filter-error")).isNotBlank();
    assertThat(browser.consoleErrors()).singleElement().asString().contains("400");

    browser.open("/projects/runs-ui/runs?status=FINISHED&sort=accuracy&order=asc");
    browser.assertNoConsoleErrors();
    List<WebElement> rows = browser.all("#runs tbody tr");
    assertThat(rows).hasSize(2);
    rows.forEach(r -> r.findElement(By.cssSelector("input[name=run]")).click());
    browser.follow("#compare");
    browser.find("#compare-params");
    browser.waitForCharts();
    browser.assertNoConsoleErrors();
    assertThat(browser.all("#compare-params tr.differs"))
        .extracting(e -> e.findElement(By.tagName("th")).getText())
        .contains("xgboost.max_depth", "rounds");
    List<Long> points =
        browser.all(".chart").stream()
            .map(e -> browser.drawnPoints("#" + e.getDomAttribute("id")))
            .toList();
    assertThat(points).as("a chart per metric, each drawn").isNotEmpty().allMatch(n -> n > 0);
    assertThat(points).as("both runs' points on a metric they share").contains(2L);
    browser.screenshot("runs-compare");
  }

  @Test
  void aRunShowsItsHistoryItsNamesAsTextAndItsLineage() {
    browser.open("/projects/runs-ui/runs/" + mlflowRun);
    browser.assertNoConsoleErrors();
    assertThat(browser.text("#run-name")).isEqualTo("<i>notebook</i>");
    assertThat(browser.text("#params")).contains(HTML_VALUE);
    assertThat(browser.text("#tags")).contains("<script>alert(1)</script>");
    assertThat(browser.all("#params b, #tags script")).isEmpty();
    assertThat(browser.find("#metric-0").getDomAttribute("data-metric")).isEqualTo("loss");
    assertThat(browser.drawnPoints("#metric-0")).isEqualTo(5);
    browser.screenshot("runs-run-mlflow");

    browser.open("/projects/runs-ui/runs");
    browser.follow(browser.find("#runs").findElement(By.partialLinkText("species-train")));
    browser.find("#run-lineage");
    browser.assertNoConsoleErrors();
    assertThat(browser.text("#run-lineage .dataset-version")).isEqualTo("penguins v1");
    assertThat(browser.text("#run-lineage .model-version")).startsWith("species v");
    assertThat(browser.text("#artifacts")).contains("model/");
    browser.screenshot("runs-run-trained");
    String runPage = browser.driver().getCurrentUrl();

    /* Folders open in place; files download as attachments, with the session's cookie. */
    browser.follow(browser.find("#artifacts").findElement(By.linkText("model/")));
    assertThat(browser.text("#artifact-trail")).isEqualTo("artifacts / model /");
    WebElement file =
        browser.all("#artifacts a").stream()
            .filter(a -> !a.getText().endsWith("/"))
            .findFirst()
            .orElseThrow();
    String name = file.getText();
    String href = file.getDomAttribute("href");
    assertThat(href).contains("/artifact?path=model%2F" + name);
    assertThat(file.getDomAttribute("download")).isEqualTo(name);
    browser.assertNoConsoleErrors();
    browser.screenshot("runs-run-artifact-folder");
    HttpResponse<byte[]> download = browser.fetch(href);
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    assertThat(download.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename*=UTF-8''" + name);
    assertThat(download.body()).isNotEmpty();
    assertThat(browser.fetch(runPage + "/artifact?path=..%2Fsecret").statusCode()).isEqualTo(400);
    assertThat(browser.fetch(runPage + "/artifact?path=model%2Fnone").statusCode()).isEqualTo(404);
    assertThat(browser.fetch(runPage + "?artifacts=..%2Fup").statusCode()).isEqualTo(400);

    browser.open("/projects/runs-ui/runs/no-such-run");
    assertThat(browser.driver().getPageSource()).contains("there is no run");
    browser.consoleErrors();
  }

  @Test
  void theModelsShowVersionsAliasesAndLineageToTheDeployment() throws Exception {
    world
        .penguins()
        .send(
            "POST",
            MLFLOW + "/registered-models/alias",
            "{\"name\": \"runs-ui/species\", \"alias\": \"champion\", \"version\": \"1\"}",
            200);
    browser.open("/projects/runs-ui/models");
    browser.assertNoConsoleErrors();
    assertThat(browser.text("#models")).contains("species", "v2", "champion → v1");
    browser.screenshot("models-list");

    browser.follow(browser.find("#models").findElement(By.linkText("species")));
    browser.find("#versions");
    browser.assertNoConsoleErrors();
    assertThat(browser.all("#versions tbody tr")).hasSize(2);
    WebElement v1 = browser.find("#v1");
    assertThat(v1.findElement(By.cssSelector(".lineage-dataset")).getText())
        .isEqualTo("penguins v1");
    assertThat(v1.findElement(By.cssSelector(".lineage-run")).getText()).contains("species");
    assertThat(v1.findElement(By.cssSelector(".lineage-version")).getText())
        .isEqualTo("species v1");
    assertThat(v1.findElement(By.cssSelector(".lineage-deployment")).getText())
        .isEqualTo("runs-ui-dev");
    assertThat(browser.find("#v2").findElements(By.cssSelector(".lineage-deployment"))).isEmpty();
    browser.screenshot("models-model");
  }
}
