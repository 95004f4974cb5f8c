package dev.tend.server.monitoring;

import static dev.tend.server.serving.ServingFixture.JSON;
import static dev.tend.server.serving.ServingFixture.PROJECT;
import static dev.tend.server.serving.ServingFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.monitor.MetricPoint;
import dev.tend.server.ApiModule;
import dev.tend.server.feedback.FeedbackApi;
import dev.tend.server.serving.ServingFixture;
import dev.tend.server.serving.TrafficObserver;
import dev.tend.serving.log.PredictionLogOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The monitor over real HTTP on a real store and prediction log: predictions answered by the
 * predict route and feedback sent to the feedback route become windows and figures that match a
 * recomputation from the HTTP answers; a restart counts nothing twice; a corrupt window does not
 * stop the runner; bad requests are refused with problems.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class MonitoringApiTest {
  static final String MONITOR = PROJECT + "/deployments/species/monitor";
  static final String PREDICT = "/api/v1/deployments/species/predict";
  static final Duration GRACE = Duration.ofSeconds(2);

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  ServingFixture f;
  Monitoring monitoring;
  final List<List<MetricPoint>> heard = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    AtomicReference<TrafficObserver> failures = new AtomicReference<>(TrafficObserver.NONE);
    f =
        new ServingFixture(
            database,
            dataDir,
            PredictionLogOptions.defaults(),
            (d, v, r, l, failed) -> failures.get().served(d, v, r, l, failed),
            (store, log) -> {
              monitoring = monitoring(store, log);
              FeedbackApi feedback =
                  new FeedbackApi(store.projects(), FeedbackRepository.of(store.database()), log);
              feedback.onLogged(monitoring.runner());
              return List.<ApiModule>of(monitoring.api(), feedback);
            });
    failures.set(monitoring.failures());
    monitoring.runner().addListener((project, points) -> heard.add(points));
    f.deploy("species", 1);
  }

  static Monitoring monitoring(
      dev.tend.server.StoreServices store, dev.tend.serving.log.PredictionLog log) {
    return new Monitoring(
        new Monitoring.Store(
            store.database(),
            store.projects(),
            store.registry(),
            store.tracking(),
            store.datasets(),
            store.deployments()),
        log,
        new MonitorRunner.Settings(Duration.ofSeconds(5), GRACE, 50),
        Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    if (monitoring != null) {
      monitoring.close();
    }
    if (f != null) {
      f.close();
    }
  }

  /* Runs the monitor over everything answered so far (and failures of past seconds). */
  MonitorRunner.RunReport run(MonitorRunner runner) throws InterruptedException {
    Thread.sleep(1_100);
    return runner.runOnce(Instant.now().plus(GRACE));
  }

  /* Predicts penguins `from` to `to` (excluded) in one request; returns the outputs by id. */
  Map<String, JsonNode> predict(int from, int to) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode rows = body.putArray("rows");
    for (int i = from; i < to; i++) {
      rows.addObject().put("id", "p-" + i).set("inputs", JSON.valueToTree(f.row(i)));
    }
    Map<String, JsonNode> outputs = new HashMap<>();
    for (JsonNode p : json(f.send("POST", PREDICT, body.toString()), 200).get("predictions")) {
      outputs.put(p.get("id").asText(), p.get("outputs"));
    }
    return outputs;
  }

  JsonNode get(String path) throws Exception {
    return json(f.send("GET", path, null), 200);
  }

  /* The '*' window items of the monitor. */
  long rows() throws Exception {
    long rows = 0;
    for (JsonNode w : get(MONITOR + "/windows?from=2000-01-01T00:00:00Z").get("items")) {
      rows += w.get("rows").asLong();
    }
    return rows;
  }

  double figure(String metric) throws Exception {
    JsonNode items =
        get(MONITOR + "/figures?metric=" + metric + "&from=2000-01-01T00:00:00Z").get("items");
    assertThat(items).as(metric).isNotEmpty();
    return items.get(items.size() - 1).get("value").asDouble();
  }

  @Test
  void predictionsAndLateLabelsBecomeFiguresThatMatchTheAnswersCountedOnce() throws Exception {
    Map<String, JsonNode> outputs = predict(0, 40);
    Map<String, Object> missing = f.row(40);
    missing.remove("Island");
    json(f.send("POST", PREDICT, JSON.writeValueAsString(Map.of("inputs", missing))), 400);

    MonitorRunner.RunReport report = run(monitoring.runner());
    assertThat(report.errors()).isZero();
    assertThat(report.predictions()).isEqualTo(40);
    assertThat(rows()).isEqualTo(40);
    JsonNode status = get(MONITOR);
    assertThat(status.get("window").asText()).isEqualTo("1h");
    assertThat(status.get("status").get("windows").asLong()).isPositive();
    assertThat(status.get("status").has("last_error")).isFalse();
    assertThat(status.get("reference").get("note").asText()).contains("species v1");

    /* Independent recomputation from the HTTP answers. */
    double confidence = 0;
    for (JsonNode o : outputs.values()) {
      double max = 0;
      for (var names = o.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (name.startsWith("probability_")) {
          max = Math.max(max, o.get(name).asDouble());
        }
      }
      confidence += max;
    }
    assertThat(figure("mean_confidence")).isCloseTo(confidence / 40, within(0.001));
    assertThat(figure("rows")).isEqualTo(40);
    assertThat(figure("error_rate")).isCloseTo(1 / 41.0, within(1e-9));
    assertThat(figure("drifted_feature_share")).isBetween(0.0, 1.0);
    assertThat(heard).isNotEmpty();

    /* Labels arrive late for half of them. */
    ArrayNode items = JSON.createArrayNode();
    int right = 0;
    for (int i = 0; i < 20; i++) {
      String species = (String) f.penguins.get(i).get("Species");
      items.addObject().put("prediction_id", "p-" + i).put("value", species);
      right += outputs.get("p-" + i).get("label").asText().equals(species) ? 1 : 0;
    }
    json(
        f.send("POST", "/api/v1/feedback", JSON.createObjectNode().set("items", items).toString()),
        200);
    assertThat(run(monitoring.runner()).feedback()).isEqualTo(20);
    assertThat(figure("label_coverage")).isCloseTo(0.5, within(1e-9));
    assertThat(figure("accuracy")).isCloseTo(right / 20.0, within(1e-9));

    /* A restart (a new runner on the same store and log) reads on from the cursor. */
    monitoring.close();
    Monitoring again = monitoring(f.store, f.log);
    try {
      assertThat(run(again.runner()).predictions()).isZero();
      assertThat(rows()).isEqualTo(40);
      predict(100, 110);
      assertThat(run(again.runner()).predictions()).isEqualTo(10);
      assertThat(rows()).isEqualTo(50);
    } finally {
      again.close();
    }
  }

  @Test
  void theTrainingDatasetsSuiteIsJudgedOnLiveInputs() throws Exception {
    String suite =
        """
        checks:
          - completeness: {column: "Beak Length (mm)", max_missing: 10%}
            description: Beak length is measured on nearly every bird.
          - between: {column: "Flipper Length (mm)", min: 150, max: 250}
          - completeness: {column: "Body Mass (g)"}
          - completeness: {column: "Beak Depth (mm)"}
            where: Island = 'Biscoe'
        """;
    json(
        f.send(
            "PUT", PROJECT + "/datasets/penguins", JSON.writeValueAsString(Map.of("suite", suite))),
        200);
    /* One window for the whole test, unless it runs across midnight. */
    json(f.send("PUT", MONITOR, "{\"window\": \"1d\"}"), 200);

    /* Good inputs: one bird of 40 (row 3) lacks its beak length, within the 10% allowed. */
    predict(0, 40);
    assertThat(run(monitoring.runner()).errors()).isZero();
    assertThat(figure("checks_failed")).isZero();
    JsonNode checks = allRows(windowDetail()).get("checks");
    assertThat(checks).hasSize(4);
    assertThat(checks.get(0).get("status").asText()).isEqualTo("passed");
    assertThat(checks.get(0).get("description").asText()).startsWith("Beak length");
    assertThat(checks.get(1).get("status").asText()).isEqualTo("passed");
    assertThat(checks.get(2).get("status").asText()).isEqualTo("skipped");
    assertThat(checks.get(2).get("reason").asText())
        .isEqualTo("column 'Body Mass (g)' not an input of the model");
    assertThat(checks.get(3).get("status").asText()).isEqualTo("skipped");
    assertThat(checks.get(3).get("reason").asText()).startsWith("needs rows");
    double before = figure("quality_score");

    /* Then 20 birds without their beak length in the same window: 21 of 60 missing. */
    ObjectNode body = JSON.createObjectNode();
    ArrayNode rows = body.putArray("rows");
    for (int i = 40; i < 60; i++) {
      Map<String, Object> row = new HashMap<>(f.row(i));
      row.put("Beak Length (mm)", null);
      rows.addObject().put("id", "p-" + i).set("inputs", JSON.valueToTree(row));
    }
    json(f.send("POST", PREDICT, body.toString()), 200);
    assertThat(run(monitoring.runner()).errors()).isZero();
    assertThat(figure("checks_failed")).isEqualTo(1);
    assertThat(figure("quality_score")).isLessThan(before);
    JsonNode failing = allRows(windowDetail()).get("checks").get(0);
    assertThat(failing.get("name").asText()).isEqualTo("completeness(Beak Length (mm))");
    assertThat(failing.get("status").asText()).isEqualTo("failed");
    assertThat(failing.get("observed").asText()).isEqualTo("21 of 60 rows missing (35%)");

    /* A suite that no longer parses leaves the checks out but stops nothing. */
    String datasetId =
        f.store
            .datasets()
            .find(f.store.projects().findByName("zoo").orElseThrow().id(), "penguins")
            .orElseThrow()
            .id();
    f.store.datasets().attachSuite(datasetId, Optional.of("checks: [nonsense"), "test");
    predict(60, 70);
    MonitorRunner.RunReport report = run(monitoring.runner());
    assertThat(report.errors()).isZero();
    assertThat(report.predictions()).isEqualTo(10);
    assertThat(rows()).isEqualTo(70);
    assertThat(get(MONITOR).get("status").get("last_error").asText()).contains("does not parse");
    JsonNode group = allRows(windowDetail());
    assertThat(group.get("checks")).isEmpty();
    assertThat(group.get("suite_error").asText()).contains("does not parse");
  }

  /* The detail of the newest window. */
  private JsonNode windowDetail() throws Exception {
    JsonNode items = get(MONITOR + "/windows?from=2000-01-01T00:00:00Z").get("items");
    String start = items.get(items.size() - 1).get("start").asText();
    return get(MONITOR + "/windows/" + URLEncoder.encode(start, StandardCharsets.UTF_8));
  }

  /* The group of all versions and rows of a window's detail. */
  private static JsonNode allRows(JsonNode detail) {
    for (JsonNode g : detail.get("groups")) {
      if (g.get("model_version").asText().equals("*") && g.get("segment").asText().isEmpty()) {
        return g;
      }
    }
    throw new AssertionError("no group of all versions and rows in " + detail);
  }

  @Test
  void aCorruptWindowOrRecordDoesNotStopTheRunner() throws Exception {
    predict(0, 10);
    run(monitoring.runner());
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(f.db.url());
        java.sql.PreparedStatement corrupt =
            c.prepareStatement("UPDATE monitor_windows SET sketch = ?")) {
      corrupt.setBytes(1, new byte[] {1, 2, 3});
      assertThat(corrupt.executeUpdate()).isPositive();
    }
    predict(10, 20);
    /* An application logs a prediction of nonsense inputs with a time the cursor passed. */
    ObjectNode external =
        JSON.createObjectNode()
            .put("prediction_id", "ext-1")
            .put("deployment", "species")
            .put("model", "species")
            .put("model_version", "1")
            .put("timestamp", Instant.now().minus(Duration.ofMinutes(30)).toString());
    external.putObject("inputs").put("nonsense", true);
    external.putObject("outputs").put("label", "Adelie");
    json(f.send("POST", PROJECT + "/predictions", external.toString()), 200);
    MonitorRunner.RunReport report = run(monitoring.runner());
    assertThat(report.errors()).isZero();
    assertThat(rows()).isEqualTo(21);
    assertThat(get(MONITOR + "/summary?from=2000-01-01T00:00:00Z").get("groups")).isNotEmpty();
    String start =
        get(MONITOR + "/windows?from=2000-01-01T00:00:00Z")
            .get("items")
            .get(0)
            .get("start")
            .asText();
    JsonNode window = get(MONITOR + "/windows/" + URLEncoder.encode(start, StandardCharsets.UTF_8));
    assertThat(window.get("groups")).isNotEmpty();
    assertTheBusiestWindowShowsEveryDriftMeasureAndTheConfidences();
  }

  /* The detail of the window with the served rows: every measure per feature, confidences. */
  private void assertTheBusiestWindowShowsEveryDriftMeasureAndTheConfidences() throws Exception {
    JsonNode busiest = null;
    for (JsonNode w : get(MONITOR + "/windows?from=2000-01-01T00:00:00Z").get("items")) {
      if (w.get("model_version").asText().equals("*")
          && (busiest == null || w.get("rows").asLong() > busiest.get("rows").asLong())) {
        busiest = w;
      }
    }
    assertThat(busiest).isNotNull();
    String start = URLEncoder.encode(busiest.get("start").asText(), StandardCharsets.UTF_8);
    JsonNode all = null;
    for (JsonNode g : get(MONITOR + "/windows/" + start).get("groups")) {
      if (g.get("model_version").asText().equals("*") && g.get("segment").asText().isEmpty()) {
        all = g;
      }
    }
    assertThat(all).isNotNull();
    assertThat(all.get("drift")).isNotEmpty();
    for (JsonNode feature : all.get("drift")) {
      java.util.List<String> methods = new java.util.ArrayList<>();
      feature.get("measures").forEach(m -> methods.add(m.get("method").asText()));
      assertThat(methods)
          .as(feature.get("column").asText())
          .contains(feature.get("method").asText());
      if (feature.get("column").asText().equals("Island")) {
        assertThat(methods).containsExactly("psi", "jensen_shannon", "chi_square");
      } else {
        assertThat(methods).containsExactly("psi", "ks", "jensen_shannon", "wasserstein");
      }
    }
    JsonNode confidence = all.get("confidence");
    assertThat(confidence.get("bins").asInt()).isEqualTo(20);
    long counted = 0;
    for (JsonNode c : confidence.get("counts")) {
      counted += c.asLong();
    }
    assertThat(counted).isPositive().isLessThanOrEqualTo(all.get("rows").asLong());
  }

  @Test
  void settingsAreCheckedAndASegmentSplitsTheWindows() throws Exception {
    assertProblem(f.send("GET", PROJECT + "/deployments/nope/monitor", null), 404);
    assertProblem(f.send("PUT", MONITOR, "{\"window\": \"500ms\"}"), 422);
    assertProblem(f.send("PUT", MONITOR, "{\"window\": 3}"), 422);
    assertProblem(f.send("PUT", MONITOR, "{\"segment_column\": \"Colour\"}"), 422);
    assertProblem(f.send("PUT", MONITOR, "{\"reference\": \"nope@1\"}"), 422);
    assertProblem(f.send("PUT", MONITOR, "{\"speed\": 1}"), 422);
    assertProblem(f.send("GET", MONITOR + "/windows?from=yesterday", null), 422);
    assertProblem(
        f.send("GET", MONITOR + "/windows?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", null),
        422);
    assertProblem(f.send("GET", MONITOR + "/figures?metric=speed", null), 422);
    assertProblem(f.send("GET", MONITOR + "/figures?metric=feature_drift", null), 422);
    assertProblem(f.send("GET", MONITOR + "/windows/2026-01-01T00:00:00Z", null), 404);

    JsonNode set =
        json(
            f.send(
                "PUT",
                MONITOR,
                "{\"window\": \"10s\", \"segment_column\": \"Island\", \"reference\": \"penguins@1\"}"),
            200);
    assertThat(set.get("window_seconds").asLong()).isEqualTo(10);
    assertThat(set.get("segment_column").asText()).isEqualTo("Island");
    assertThat(set.get("reference").get("note").asText()).isEqualTo("the monitor's reference");
    Map<String, JsonNode> outputs = predict(0, 30);
    run(monitoring.runner());
    List<String> segments = new ArrayList<>();
    long segmentRows = 0;
    for (JsonNode w :
        get(MONITOR + "/windows?from=2000-01-01T00:00:00Z&segment=Island%3DBiscoe").get("items")) {
      segments.add(w.get("segment").asText());
      segmentRows += w.get("rows").asLong();
    }
    long biscoe = 0;
    for (int i = 0; i < 30; i++) {
      biscoe += "Biscoe".equals(f.penguins.get(i).get("Island")) ? 1 : 0;
    }
    assertThat(segmentRows).isEqualTo(biscoe);
    assertThat(segments).allMatch("Island=Biscoe"::equals);

    /* Labels for all of them: the segment's accuracy is that of its own rows. */
    ArrayNode items = JSON.createArrayNode();
    int right = 0;
    for (int i = 0; i < 30; i++) {
      String species = (String) f.penguins.get(i).get("Species");
      items.addObject().put("prediction_id", "p-" + i).put("value", species);
      if ("Biscoe".equals(f.penguins.get(i).get("Island"))
          && outputs.get("p-" + i).get("label").asText().equals(species)) {
        right++;
      }
    }
    json(
        f.send("POST", "/api/v1/feedback", JSON.createObjectNode().set("items", items).toString()),
        200);
    run(monitoring.runner());
    JsonNode accuracy =
        get(MONITOR + "/figures?metric=accuracy&segment=Island%3DBiscoe&from=2000-01-01T00:00:00Z")
            .get("items");
    double labelled = 0;
    double correct = 0;
    for (JsonNode p : accuracy) {
      labelled += p.get("count").asLong();
      correct += p.get("value").asDouble() * p.get("count").asLong();
    }
    assertThat(labelled).isEqualTo(biscoe);
    assertThat(correct).isCloseTo(right, within(1e-6));
  }

  @Test
  void aShadowCountsInItsOwnVersionOnlyNotInTheDeploymentsTraffic() throws Exception {
    f.train(10, 2, 11);
    f.shadow("species", 2);
    predict(0, 12);
    /* Shadow copies run after the answer; wait until the log holds them too. */
    for (int i = 0; i < 600 && f.logged().size() < 24; i++) {
      Thread.sleep(50);
    }
    assertThat(f.logged()).hasSize(24);
    run(monitoring.runner());
    Map<String, Long> rows = new HashMap<>();
    for (JsonNode g : get(MONITOR + "/summary?from=2000-01-01T00:00:00Z").get("groups")) {
      if (g.get("segment").asText().isEmpty()) {
        rows.merge(g.get("model_version").asText(), g.get("rows").asLong(), Long::sum);
      }
    }
    assertThat(rows).hasSize(3).containsEntry(MetricPoint.ALL_VERSIONS, 12L);
    assertThat(rows.values()).containsOnly(12L);
  }

  static void assertProblem(java.net.http.HttpResponse<String> response, int status)
      throws Exception {
    JsonNode problem = json(response, status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(problem.get("detail").asText()).isNotBlank();
  }
}
