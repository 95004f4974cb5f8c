package dev.tend.server.ui.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.ui.WebUi;
import dev.tend.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The datasets pages over real HTTP (anonymous reads on, so no sign-in), on 21 pushed versions like
 * the demo's: what they show, that names are escaped, and that bad references are 4xx pages. Their
 * server time on the demo's own data is measured by {@code bench/run ui}, not here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetPagesHttpTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PAGES = "/projects/zoo/datasets";
  static final String API = "/api/v1/projects/zoo/datasets/trips";
  static final String EVIL = "<script>alert(1)</script>";
  static final int VERSIONS = 21;
  static final String SUITE =
      """
      version: 1
      name: trips
      checks:
        - completeness: {column: origin}
        - between: {column: distance, min: 0, max: 100}
        - row_count: {min: 3}
      """;

  @TempDir static Path dataDir;
  TestDatabase db;
  StoreServices store;
  Engine engine;
  TendServer server;
  HttpClient http;
  String admin;

  @BeforeAll
  void start() throws Exception {
    db = TestDatabase.create(dev.tend.store.Engine.SQLITE);
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            TendConfig.DEFAULT_MAX_REQUEST_BODY,
            Duration.ofSeconds(1),
            dataDir,
            db.url(),
            dataDir.resolve("artifacts"),
            true);
    store = StoreServices.open(config);
    admin = store.access().ensureBootstrapAdmin(Optional.empty()).orElseThrow().plainText();
    store.projects().create("zoo", "", "test");
    engine = DuckDbEngines.create();
    WebUi ui =
        new WebUi(store.projects(), List.of(new DatasetPages(store.datasets())), Clock.systemUTC());
    server =
        TendServer.start(
            config,
            store.services(),
            List.of(
                new DatasetsApi(
                    store.projects(),
                    store.datasets(),
                    store.artifacts(),
                    engine,
                    store.workDir())),
            List.of(ui));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    api("PUT", API, JSON.createObjectNode().put("suite", SUITE).toString(), 201);
    /* Every third version has a distance out of range and is rejected by the suite. */
    for (int v = 1; v <= VERSIONS; v++) {
      push(
          "id,date,distance,origin,"
              + EVIL
              + "\n1,2001-02-0"
              + (1 + v % 9)
              + " 06:00:00,12,BOS,a\n2,2001-02-14 23:30:00,"
              + (v % 3 == 0 ? 400 : 40)
              + ",SFO,b\n3,2001-02-10 12:00:00,75,JFK,c\n");
    }
    api("PUT", API + "/aliases/production", "{\"version\": 2}", 200);
  }

  @AfterAll
  void stop() {
    http.close();
    server.close();
    engine.close();
    store.close();
    db.close();
  }

  @Test
  void theListShowsTheLatestVersionItsStatusAliasesAndQuality() throws Exception {
    String body = page(PAGES, 200);
    assertThat(body)
        .contains(">v21</a>")
        .contains("badge bad\">rejected")
        .contains("latest → v20")
        .contains("production → v2")
        .contains("66.7%");
  }

  @Test
  void theQualityChartHasTheShareOfChecksPassedOfEachVersion() throws Exception {
    String body = page(PAGES + "/trips", 200);
    JsonNode chart = JSON.readTree(unescape(attribute(body, "data-chart")));
    JsonNode passed = null;
    for (JsonNode series : chart.get("series")) {
      if (series.get("name").asText().equals("checks passed")) {
        passed = series.get("data");
      }
    }
    assertThat(passed).isNotNull().hasSize(VERSIONS);
    List<Double> shares = new ArrayList<>();
    passed.forEach(point -> shares.add(point.get(1).asDouble()));
    for (int v = 1; v <= VERSIONS; v++) {
      assertThat(shares.get(v - 1)).as("v%d", v).isEqualTo(v % 3 == 0 ? 2.0 / 3 : 1.0);
    }
    assertThat(body).contains("id=\"versions\"").contains("<option value=\"20\" selected>v20");
  }

  @Test
  void aVersionShowsItsTimesAsTimesAndItsNamesAsText() throws Exception {
    String body = page(PAGES + "/trips/versions/3", 200);
    assertThat(body).doesNotContain(EVIL).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(body)
        .contains("2001-02-04 06:00:00 UTC")
        .contains("2001-02-14 23:30:00 UTC")
        .contains("class=\"card failing-check\"")
        .contains("between(distance)");
    assertThat(page(PAGES + "/trips/versions/production", 200)).contains("badge info\">production");
  }

  @Test
  void theDiffShowsTheChecksThatNewlyFail() throws Exception {
    String body = page(PAGES + "/trips/diff?from=2&to=latest", 200);
    assertThat(body)
        .contains("Same columns and types.")
        .contains("id=\"diff-newly-failing\">0<")
        .doesNotContain("badge bad\">newly failing");
    body = page(PAGES + "/trips/diff?from=production&to=3", 200);
    assertThat(body)
        .contains("id=\"diff-newly-failing\">1<")
        .contains("badge bad\">newly failing")
        .contains("between(distance)");
    assertThat(body).doesNotContain(EVIL).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }

  @Test
  void badReferencesAreClientErrorPages() throws Exception {
    assertThat(page(PAGES + "/nothing", 404)).contains("there is no dataset 'nothing'");
    assertThat(page(PAGES + "/trips/versions/99", 404)).contains("has no committed version 99");
    assertThat(page(PAGES + "/trips/versions/0", 400)).contains("a whole number from 1");
    assertThat(page(PAGES + "/trips/versions/Bad%20Alias", 400)).contains("alias name");
    assertThat(page(PAGES + "/trips/versions/staging", 404)).contains("has no alias 'staging'");
    assertThat(page(PAGES + "/trips/diff?from=1", 400)).contains("?to= is missing");
    assertThat(page("/projects/nowhere/datasets", 404)).contains("nowhere");
  }

  private void push(String csv) throws Exception {
    byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    HttpResponse<String> blob =
        http.send(
            authorized("/api/v1/blobs/" + sha)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            BodyHandlers.ofString());
    assertThat(blob.statusCode()).as(blob.body()).isIn(200, 201);
    ObjectNode version = JSON.createObjectNode();
    version
        .putArray("files")
        .addObject()
        .put("path", "trips.csv")
        .put("size", bytes.length)
        .put("sha256", sha);
    api("POST", API + "/versions", version.toString(), 201);
  }

  private void api(String method, String path, String body, int status) throws Exception {
    HttpResponse<String> response =
        http.send(
            authorized(path)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
  }

  private HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(server.uri().resolve(path))
        .header("Authorization", "Bearer " + admin);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.uri() + path)).build(), BodyHandlers.ofString());
  }

  private String page(String path, int status) throws Exception {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(status);
    return response.body();
  }

  private static String attribute(String html, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(html);
    assertThat(m.find()).as("an attribute %s", name).isTrue();
    return m.group(1);
  }

  private static String unescape(String attribute) {
    return attribute
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
