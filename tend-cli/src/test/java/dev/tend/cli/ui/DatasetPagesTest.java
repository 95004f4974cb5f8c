package dev.tend.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.monitor.ServedPenguins;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The datasets pages in Chromium, on a dataset of the class's own project: an accepted version and
 * one its suite rejects, with a column whose name is a script tag that must show as text.
 */
@ExtendWith(UiWorld.Resolver.class)
class DatasetPagesTest {
  static final String PROJECT = "ui-datasets";
  static final String API = "/api/v1/projects/" + PROJECT + "/datasets/trips";
  static final String EVIL = "<script>window.__owned=1</script>";
  static final String SUITE =
      """
      version: 1
      name: trips
      checks:
        - completeness: {column: origin}
        - between: {column: distance, min: 0, max: 100}
        - row_count: {min: 3}
      """;

  static UiWorld world;
  static Chromium browser;

  @BeforeAll
  static void pushTwoVersions(UiWorld shared) throws Exception {
    world = shared;
    ServedPenguins api = world.penguins();
    api.send("POST", "/api/v1/projects", "{\"name\": \"" + PROJECT + "\"}", 201);
    ObjectNode settings = ServedPenguins.JSON.createObjectNode().put("suite", SUITE);
    api.send("PUT", API, settings.toString(), 201);
    push(api, "id,distance,origin," + EVIL + "\n1,12,BOS,a\n2,40,SFO,b\n3,75,JFK,c\n4,8,BOS,d\n");
    /* Distances out of range and a missing origin: the suite rejects version 2. */
    push(api, "id,distance,origin," + EVIL + "\n1,12,BOS,a\n2,400,,b\n3,750,JFK,c\n4,8,,d\n");
    api.send("PUT", API + "/aliases/production", "{\"version\": 1}", 200);
    browser = world.signedInBrowser();
  }

  private static void push(ServedPenguins api, String csv) throws Exception {
    byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    api.send("PUT", "/api/v1/blobs/" + sha, csv, "application/octet-stream", 201);
    ObjectNode version = ServedPenguins.JSON.createObjectNode();
    version
        .putArray("files")
        .addObject()
        .put("path", "trips.csv")
        .put("size", bytes.length)
        .put("sha256", sha);
    api.send("POST", API + "/versions", version.toString(), 201);
  }

  @AfterAll
  static void quit() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void theListShowsEachDatasetsLatestVersionAliasesAndQuality() {
    browser.open("/projects/" + PROJECT + "/datasets");
    WebElement row = browser.find("#datasets tbody tr");
    assertThat(row.getText())
        .contains("trips")
        .contains("v2")
        .contains("rejected")
        .contains("latest → v1")
        .contains("production → v1")
        .contains("33.3%");
    assertThat(browser.text("nav.sections a.current")).isEqualTo("Datasets");
    browser.assertNoConsoleErrors();
    browser.screenshot("datasets-list");
  }

  @Test
  void theDatasetPageChartsQualityByVersionAndDiffsTwoVersions() {
    browser.open("/projects/" + PROJECT + "/datasets");
    browser.follow(browser.find("#datasets").findElement(By.linkText("trips")));
    assertThat(browser.drawnPoints("#quality-chart")).isGreaterThan(0);
    assertThat(browser.all("#versions tbody tr")).hasSize(2);
    assertThat(browser.text("#versions tbody tr"))
        .contains("v2")
        .contains("rejected")
        .contains("33.3%");
    assertThat(browser.all("#versions tbody tr").get(1).getText())
        .contains("accepted")
        .contains("latest")
        .contains("production")
        .contains("100.0%");
    browser.assertNoConsoleErrors();
    browser.screenshot("datasets-dataset");

    new Select(browser.find("#diff-from")).selectByVisibleText("v1");
    new Select(browser.find("#diff-to")).selectByVisibleText("v2");
    browser.follow("#diff-submit");
    assertThat(browser.driver().getCurrentUrl()).contains("/datasets/trips/diff?from=1&to=2");
    assertThat(browser.text("#diff-newly-failing")).isEqualTo("2");
    assertThat(browser.text("#diff-checks"))
        .contains("completeness(origin)")
        .contains("newly failing");
    assertThat(browser.text("#diff-columns")).contains(EVIL).contains("distance");
    assertThat(browser.driver().executeScript("return typeof window.__owned"))
        .isEqualTo("undefined");
    browser.assertNoConsoleErrors();
    browser.screenshot("datasets-diff");
  }

  @Test
  void aRejectedVersionShowsItsProfileAndTheFailingRowsItsPushKept() {
    browser.open("/projects/" + PROJECT + "/datasets/trips/versions/2");
    assertThat(browser.text("#version-status")).isEqualTo("rejected");
    assertThat(browser.text("#checks-passed")).isEqualTo("1 / 3");
    assertThat(browser.all("#columns td.column-name"))
        .extracting(WebElement::getText)
        .containsExactly("id", "distance", "origin", EVIL);
    assertThat(browser.text("#columns")).contains("750").contains("50.0%");
    assertThat(browser.driver().executeScript("return typeof window.__owned"))
        .isEqualTo("undefined");

    var failing = browser.all("section.failing-check");
    assertThat(failing).hasSize(2);
    assertThat(failing)
        .extracting(WebElement::getText)
        .anySatisfy(
            text ->
                assertThat(text)
                    .contains("completeness(origin)")
                    .contains("4 4 8 null d")
                    .doesNotContain("JFK"))
        .anySatisfy(
            text ->
                assertThat(text)
                    .contains("between(distance)")
                    .contains("3 3 750 JFK c")
                    .doesNotContain("8 null d"));
    assertThat(browser.text("section.failing-check table.sample thead"))
        .contains("_row")
        .contains(EVIL);
    browser.assertNoConsoleErrors();
    browser.screenshot("datasets-version");
  }

  @Test
  void anUnknownVersionIsANotFoundPage() {
    browser.open("/projects/" + PROJECT + "/datasets/trips/versions/9");
    assertThat(browser.text("main")).contains("has no committed version 9");
    assertThat(browser.consoleErrors()).singleElement().asString().contains("404");
  }
}
