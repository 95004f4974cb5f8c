package dev.tend.server.monitoring;

import static dev.tend.server.serving.ServingFixture.JSON;
import static dev.tend.server.serving.ServingFixture.PROJECT;
import static dev.tend.server.serving.ServingFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.tend.alerting.AlertRepository;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.alerting.AlertPipelines;
import dev.tend.server.alerting.Alerting;
import dev.tend.server.alerting.AlertsApi;
import dev.tend.server.alerting.MetricHistory;
import dev.tend.server.alerting.channel.Channel;
import dev.tend.server.alerting.channel.ChannelDispatcher;
import dev.tend.server.alerting.channel.ChannelSettings;
import dev.tend.server.feedback.FeedbackApi;
import dev.tend.server.serving.ServingFixture;
import dev.tend.server.serving.TrafficObserver;
import dev.tend.serving.log.PredictionLogOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Root causes end to end: predictions of the served penguin model logged into two hourly windows,
 * the second with the beak length missing and the flipper length shifted out of the training range;
 * the real monitor runner computes the figures, the real alerting fires a quality rule on the
 * second window, stores its root cause, serves it over HTTP and posts it to a webhook received by a
 * real loopback HTTP server. Also a feature-drift rule's report led by its own column, and a drift
 * rule on a timestamp input refused. Real store (SQLite and PostgreSQL), real prediction log.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class RootCauseHttpTest {
  static final String BEAK = "Beak Length (mm)";
  static final String FLIPPER = "Flipper Length (mm)";
  static final String SUITE =
      """
      checks:
        - completeness: {column: "Beak Length (mm)", max_missing: 10%}
        - between: {column: "Flipper Length (mm)", min: 150, max: 250}
      """;

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  ServingFixture f;
  Monitoring monitoring;
  Alerting alerting;
  ChannelDispatcher dispatcher;
  HttpServer receiver;
  final BlockingQueue<String> hooks = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    receiver.createContext(
        "/",
        exchange -> {
          hooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    f =
        new ServingFixture(
            database,
            dataDir,
            PredictionLogOptions.defaults(),
            TrafficObserver.NONE,
            (store, log) -> {
              monitoring = MonitoringApiTest.monitoring(store, log);
              FeedbackApi feedback =
                  new FeedbackApi(store.projects(), FeedbackRepository.of(store.database()), log);
              feedback.onLogged(monitoring.runner());
              dispatcher =
                  new ChannelDispatcher(
                      List.of(
                          Channel.of(
                              new ChannelSettings.Webhook(
                                  "hook", hook, Optional.empty(), Map.of(), Duration.ofSeconds(5)),
                              Clock.systemUTC())),
                      ChannelDispatcher.Settings.defaults(),
                      outcome -> {},
                      Clock.systemUTC());
              alerting =
                  new Alerting(
                      store.projects(),
                      AlertRepository.of(store.database()),
                      MetricHistory.of(monitoring.monitors()),
                      dispatcher::dispatch,
                      AlertPipelines.NONE,
                      Clock.systemUTC(),
                      Optional.empty(),
                      monitoring.rootCauses());
              alerting.checkRulesWith(monitoring.ruleChecks());
              monitoring.runner().addListener(alerting::figures);
              return List.<ApiModule>of(
                  monitoring.api(), feedback, new AlertsApi(store.projects(), alerting));
            });
    f.deploy("species", 1);
  }

  @AfterEach
  void stop() {
    if (alerting != null) {
      alerting.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    if (monitoring != null) {
      monitoring.close();
    }
    if (f != null) {
      f.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  /* Logs penguins as the model's predictions at `at` plus a second each, changed by `change`. */
  void log(Instant at, int from, int to, java.util.function.Consumer<Map<String, Object>> change)
      throws Exception {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (int i = from; i < to; i++) {
      Map<String, Object> inputs = new HashMap<>(f.row(i * 5 % f.penguins.size()));
      change.accept(inputs);
      ObjectNode item = items.addObject();
      item.put("prediction_id", "p-" + i)
          .put("deployment", "species")
          .put("model", "species")
          .put("model_version", "1")
          .put("timestamp", at.plusSeconds(i).toString());
      item.set("inputs", JSON.valueToTree(inputs));
      item.putObject("outputs")
          .put("label", "Adelie")
          .put("probability_Adelie", 0.8)
          .put("probability_Chinstrap", 0.1)
          .put("probability_Gentoo", 0.1);
    }
    json(f.send("POST", PROJECT + "/predictions", body.toString()), 200);
  }

  JsonNode get(String path) throws Exception {
    return json(f.send("GET", path, null), 200);
  }

  @Test
  void aBrokenWindowFiresAQualityAlertWhoseRootCauseNamesBothColumnsAndTheFailingChecks()
      throws Exception {
    json(
        f.send(
            "PUT", PROJECT + "/datasets/penguins", JSON.writeValueAsString(Map.of("suite", SUITE))),
        200);
    json(f.send("PUT", PROJECT + "/deployments/species/monitor", "{\"window\": \"1h\"}"), 200);
    json(
        f.send(
            "PUT",
            PROJECT + "/alert-rules/inputs-broken",
            "{\"metric\": \"checks_failed\", \"deployment\": \"species\","
                + " \"condition\": {\"threshold\": {\"op\": \">\", \"value\": 0}},"
                + " \"notify\": [\"hook\"]}"),
        201);
    json(
        f.send(
            "PUT",
            PROJECT + "/alert-rules/traffic",
            "{\"metric\": \"rows\", \"deployment\": \"species\","
                + " \"condition\": {\"threshold\": {\"op\": \">\", \"value\": 50}}}"),
        201);

    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
    log(hour.plusSeconds(60), 0, 60, row -> {});
    Instant broken = hour.plus(Duration.ofHours(1));
    log(
        broken.plusSeconds(60),
        60,
        120,
        row -> {
          if (((Number) row.get(FLIPPER)) != null) {
            row.put(BEAK, null);
            row.put(FLIPPER, ((Number) row.get(FLIPPER)).doubleValue() + 1000);
          }
        });
    assertThat(monitoring.runner().runOnce(Instant.now()).errors()).isZero();

    JsonNode alerts = get(PROJECT + "/alerts").get("items");
    JsonNode quality = null;
    JsonNode traffic = null;
    for (JsonNode a : alerts) {
      if (a.get("rule").asText().equals("inputs-broken")) {
        quality = a;
      } else {
        traffic = a;
      }
    }
    assertThat(quality).as(alerts.toString()).isNotNull();
    assertThat(quality.get("onset").asText()).isEqualTo(broken.toString());
    JsonNode cause = quality.get("root_cause");
    assertThat(cause.at("/window/start").asText()).isEqualTo(broken.toString());
    assertThat(cause.get("deployment").asText()).isEqualTo("species");
    assertThat(cause.at("/model/name").asText()).isEqualTo("species");
    assertThat(cause.at("/model/version").asText()).isEqualTo("1");
    assertThat(cause.at("/model/run_id").isTextual()).isTrue();
    assertThat(cause.at("/datasets/0/name").asText()).isEqualTo("penguins");
    assertThat(cause.at("/datasets/0/version").asText()).isEqualTo("1");
    Map<String, String> broke = new HashMap<>();
    cause
        .get("quality")
        .forEach(q -> broke.put(q.get("column").asText(), q.get("metric").asText()));
    assertThat(broke)
        .containsEntry(BEAK, "missing_share")
        .containsEntry(FLIPPER, "out_of_range_share");
    List<String> checks = new ArrayList<>();
    cause.get("failing_checks").forEach(c -> checks.add(c.get("check").asText()));
    assertThat(checks).containsExactly("completeness(" + BEAK + ")", "between(" + FLIPPER + ")");
    assertThat(cause.at("/failing_checks/0/columns/0").asText()).isEqualTo(BEAK);
    List<String> drifted = new ArrayList<>();
    cause.get("drifted_features").forEach(d -> drifted.add(d.get("column").asText()));
    assertThat(drifted).contains(FLIPPER);
    assertThat(cause.get("summary").asText())
        .contains(BEAK + " missing in ", FLIPPER + " out of range in 100% of values")
        .contains("checks failing: completeness(" + BEAK + "), between(" + FLIPPER + ")");

    String id = quality.get("id").asText();
    assertThat(get(PROJECT + "/alerts/" + id).get("root_cause")).isEqualTo(cause);
    assertThat(get(PROJECT + "/alerts/" + id + "/root-cause")).isEqualTo(cause);

    // A traffic alert gets none; asking for it is a 404 problem saying why.
    assertThat(traffic).as(alerts.toString()).isNotNull();
    assertThat(traffic.has("root_cause")).isFalse();
    JsonNode none =
        json(
            f.send("GET", PROJECT + "/alerts/" + traffic.get("id").asText() + "/root-cause", null),
            404);
    assertThat(none.get("detail").asText()).contains("has no root cause");

    // The webhook got the same report.
    String body = hooks.poll(10, TimeUnit.SECONDS);
    assertThat(body).isNotNull();
    JsonNode event = JSON.readTree(body);
    assertThat(event.get("rule").asText()).isEqualTo("inputs-broken");
    assertThat(event.get("root_cause")).isEqualTo(cause);
  }

  @Test
  void aFeatureDriftRulesRootCauseLeadsWithItsColumnJudgedAtTheRulesThreshold() throws Exception {
    json(f.send("PUT", PROJECT + "/deployments/species/monitor", "{\"window\": \"1h\"}"), 200);
    json(
        f.send(
            "PUT",
            PROJECT + "/alert-rules/beak-drift",
            "{\"metric\": \"feature_drift\", \"column\": \""
                + BEAK
                + "\", \"deployment\": \"species\","
                + " \"condition\": {\"threshold\": {\"op\": \">=\", \"value\": 0.001}},"
                + " \"for\": 2}"),
        201);
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(3));
    Instant second = hour.plus(Duration.ofHours(1));
    log(hour.plusSeconds(60), 0, 60, row -> {});
    log(second.plusSeconds(60), 60, 120, row -> {});
    assertThat(monitoring.runner().runOnce(Instant.now()).errors()).isZero();

    // The default detector calls neither window's beak length drifted: a sample of the training
    // rows, barely different from them.
    JsonNode detail = get(PROJECT + "/deployments/species/monitor/windows/" + second);
    JsonNode beak = null;
    for (JsonNode group : detail.get("groups")) {
      for (JsonNode d : group.get("drift")) {
        if (d.get("column").asText().equals(BEAK)) {
          beak = d;
        }
      }
    }
    assertThat(beak).as(detail.toString()).isNotNull();
    assertThat(beak.get("drifted").asBoolean()).isFalse();

    JsonNode alerts = get(PROJECT + "/alerts").get("items");
    assertThat(alerts).as(alerts.toString()).hasSize(1);
    JsonNode alert = alerts.get(0);
    assertThat(alert.get("onset").asText()).isEqualTo(hour.toString());
    JsonNode lead = alert.at("/root_cause/drifted_features/0");
    assertThat(lead.get("column").asText()).as(alert.toString()).isEqualTo(BEAK);
    assertThat(lead.get("threshold").asDouble()).isEqualTo(0.001);
    assertThat(lead.get("effect").asDouble()).isEqualTo(beak.get("effect_size").asDouble());
    assertThat(lead.get("method").asText()).isEqualTo(beak.get("method").asText());
    assertThat(lead.get("since").asText()).isEqualTo(hour.toString());
    assertThat(alert.at("/root_cause/summary").asText()).startsWith(BEAK + " drifted (");
  }

  @Test
  void aDriftRuleOnATimestampInputIsRefusedAndOneOnANumberAccepted() throws Exception {
    // A model whose signature takes a datetime, served by deployment "delays".
    String projectId = f.store.projects().findByName("zoo").orElseThrow().id();
    long experiment =
        f.store
            .tracking()
            .createExperiment(projectId, "delays", Optional.empty(), List.of(), "admin")
            .id();
    String run =
        f.store
            .tracking()
            .createRun(
                new dev.tend.tracking.NewRun(
                    experiment, Optional.empty(), Optional.empty(), Optional.empty(), List.of()))
            .runId();
    String mlmodel =
        """
        flavors:
          xgboost: {data: model.xgb}
        signature:
          inputs: '[{"type": "datetime", "name": "date"}, {"type": "double", "name": "distance"}]'
          outputs: '[{"type": "double", "name": "probability"}]'
        """;
    f.store
        .runArtifacts()
        .put(
            run,
            "model/MLmodel",
            new java.io.ByteArrayInputStream(mlmodel.getBytes(StandardCharsets.UTF_8)));
    f.store
        .runArtifacts()
        .put(run, "model/model.xgb", new java.io.ByteArrayInputStream(new byte[] {1}));
    var model =
        f.store.registry().createModel(projectId, "delays", Optional.empty(), List.of(), "admin");
    var version =
        f.store
            .registry()
            .createVersion(
                model.id(),
                new dev.tend.registry.NewModelVersion(
                    "runs:/" + run + "/model",
                    Optional.of(run),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    List.of()),
                "admin");
    f.store
        .deployments()
        .create(
            projectId,
            "delays",
            dev.tend.deployments.Environment.DEV,
            dev.tend.deployments.Traffic.stable(version.id()),
            "",
            "admin");

    JsonNode refused =
        json(
            f.send(
                "PUT",
                PROJECT + "/alert-rules/date-drift",
                "{\"metric\": \"feature_drift\", \"column\": \"date\", \"deployment\":"
                    + " \"delays\", \"condition\": {\"threshold\": {\"op\": \">\", \"value\":"
                    + " 0.1}}}"),
            422);
    assertThat(refused.get("detail").asText())
        .contains("column 'date' is a timestamp input of deployment 'delays'")
        .contains("would never fire");
    assertThat(refused.at("/errors/0/field").asText()).isEqualTo("/column");
    assertThat(get(PROJECT + "/alert-rules").get("items")).isEmpty();

    List<String> accepted =
        List.of(
            // The same figure on a number; every column, of which date has no figure; the date's
            // quality; another deployment that may serve another model later.
            "{\"metric\": \"feature_drift\", \"column\": \"distance\", \"deployment\":"
                + " \"delays\", \"condition\": {\"threshold\": {\"op\": \">\", \"value\":"
                + " 0.1}}}",
            "{\"metric\": \"drift_detected\", \"column\": \"*\", \"deployment\":"
                + " \"delays\", \"condition\": {\"threshold\": {\"op\": \">\", \"value\":"
                + " 0}}}",
            "{\"metric\": \"missing_share\", \"column\": \"date\", \"deployment\":"
                + " \"delays\", \"condition\": {\"threshold\": {\"op\": \">\", \"value\":"
                + " 0}}}",
            "{\"metric\": \"feature_drift\", \"column\": \"date\", \"deployment\":"
                + " \"later\", \"condition\": {\"threshold\": {\"op\": \">\", \"value\":"
                + " 0.1}}}");
    for (int i = 0; i < accepted.size(); i++) {
      json(f.send("PUT", PROJECT + "/alert-rules/accepted-" + i, accepted.get(i)), 201);
    }
  }
}
