package dev.tend.server.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.alert.AlertEvent;
import dev.tend.alerting.AlertRepository;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.pipelines.PipelineRun;
import dev.tend.projects.Project;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.pipelines.PipelineService;
import dev.tend.server.pipelines.PipelineTriggers;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Alerting end to end: rules put over HTTP, window figures fed to {@link Alerting#figures} as the
 * monitor runner does, alerts firing after their windows and not before, de-duplicated across two
 * servers, acknowledged, repeated, resolved, grouped into an incident whose timeline, time to
 * detect and time to recover the API shows, and a pipeline with an {@code alert:} trigger queued
 * once. Real store (SQLite and PostgreSQL), real HTTP, real pipeline triggers.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class AlertingHttpTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");
  static final Duration HOUR = Duration.ofHours(1);
  static final String P = "/api/v1/projects/shop";

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  TestDatabase.MutableClock clock;
  PipelineService pipelineService;
  PipelineTriggers triggers;
  Alerting alerting;
  Alerting otherServer;
  TendServer server;
  HttpClient client;
  String token;
  Project shop;
  final List<MetricPoint> stored = new CopyOnWriteArrayList<>();
  final List<AlertEvent> sent = new CopyOnWriteArrayList<>();

  /* The figures this test produced, as the monitor runner's store would answer for them. */
  final MetricHistory history =
      new MetricHistory() {
        @Override
        public List<MetricPoint> points(
            String deployment,
            String modelVersion,
            String segment,
            MonitorMetric metric,
            String column,
            Instant beforeExclusive,
            int limit) {
          List<MetricPoint> matching =
              series(deployment, modelVersion, segment, metric, column).stream()
                  .filter(p -> p.windowStart().isBefore(beforeExclusive))
                  .toList();
          return matching.subList(Math.max(0, matching.size() - limit), matching.size());
        }

        @Override
        public Optional<MetricPoint> first(
            String deployment,
            String modelVersion,
            String segment,
            MonitorMetric metric,
            String column) {
          return series(deployment, modelVersion, segment, metric, column).stream().findFirst();
        }

        List<MetricPoint> series(
            String deployment,
            String modelVersion,
            String segment,
            MonitorMetric metric,
            String column) {
          return stored.stream()
              .filter(
                  p ->
                      p.deployment().equals(deployment)
                          && p.modelVersion().equals(modelVersion)
                          && p.segment().equals(segment)
                          && p.metric() == metric
                          && p.column().equals(column))
              .sorted(Comparator.comparing(MetricPoint::windowStart))
              .toList();
        }
      };

  @BeforeEach
  void start() throws Exception {
    db = TestDatabase.create(database);
    clock = db.clock();
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            TendConfig.DEFAULT_MAX_REQUEST_BODY,
            Duration.ofSeconds(1),
            dataDir,
            db.url(),
            dataDir.resolve("artifacts"),
            false);
    store = StoreServices.open(config);
    pipelineService = new PipelineService(store.pipelines(), store.datasets());
    triggers = new PipelineTriggers(pipelineService, store.projects(), store.datasets());
    AlertRepository repository = AlertRepository.of(store.database());
    alerting =
        new Alerting(
            store.projects(),
            repository,
            history,
            (event, channels) -> sent.add(event),
            triggers::alertFired,
            clock,
            Optional.of(URI.create("https://tend.example.com/")));
    otherServer =
        new Alerting(
            store.projects(),
            AlertRepository.of(store.database()),
            history,
            (event, channels) -> sent.add(event),
            triggers::alertFired,
            clock,
            Optional.empty());
    server =
        TendServer.start(
            config,
            store.services(),
            List.of(new ProjectsApi(store.projects()), new AlertsApi(store.projects(), alerting)));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    token = store.bootstrap(Optional.empty()).orElseThrow().plainText();
    json(send("POST", "/api/v1/projects", "application/json", "{\"name\": \"shop\"}"), 201);
    shop = store.projects().findByName("shop").orElseThrow();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (alerting != null) {
      alerting.close();
    }
    if (otherServer != null) {
      otherServer.close();
    }
    if (triggers != null) {
      triggers.close();
    }
    if (store != null) {
      store.close();
    }
    if (db != null) {
      db.close();
    }
  }

  HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response.body().isEmpty() ? null : JSON.readTree(response.body());
  }

  JsonNode get(String path) throws Exception {
    return json(send("GET", path, null, null), 200);
  }

  /* The figure of window {@code i} (hourly from T0), fed after the window ended. */
  List<AlertEvent> feed(Alerting to, int i, MonitorMetric metric, double value) {
    Instant start = T0.plus(HOUR.multipliedBy(i));
    MetricPoint point =
        MetricPoint.of("flights-prod", "*", start, start.plus(HOUR), metric, "", value, 5_000);
    Instant now = start.plus(HOUR).plus(Duration.ofMinutes(5));
    if (clock.instant().isBefore(now)) {
      clock.advance(Duration.between(clock.instant(), now));
    }
    List<AlertEvent> events = to.figures(shop.id(), List.of(point));
    if (stored.stream().noneMatch(p -> p.equals(point))) {
      stored.add(point);
    }
    return events;
  }

  static final String F1_RULE =
      """
      name: f1-low
      metric: f1
      deployment: flights-prod
      condition:
        threshold: {op: "<", value: 0.5}
      for: 3
      severity: critical
      labels: {team: risk}
      annotations:
        summary: "F1 of {{deployment}} is {{value}} ({{condition}})"
        description: "team {{labels.team}}, since {{window_start}}"
      notify: [oncall]
      repeat_interval: 1h
      """;

  static final String ERROR_RULE =
      "{\"metric\": \"error_rate\", \"deployment\": \"flights-prod\","
          + " \"condition\": {\"threshold\": {\"op\": \">\", \"value\": 0.05}}}";

  @Test
  void anAlertFiresAfterItsWindowsJoinsAnIncidentIsAcknowledgedRepeatsAndResolves()
      throws Exception {
    JsonNode created =
        json(send("PUT", P + "/alert-rules/f1-low", "application/yaml", F1_RULE), 201);
    assertThat(created.at("/rule/condition/threshold/op").asText()).isEqualTo("<");
    assertThat(created.at("/rule/for").asInt()).isEqualTo(3);
    assertThat(created.get("source").asText()).isEqualTo(F1_RULE);
    json(send("PUT", P + "/alert-rules/f1-low", "application/yaml", F1_RULE), 200);
    json(send("PUT", P + "/alert-rules/errors", "application/json", ERROR_RULE), 201);
    assertThat(get(P + "/alert-rules").get("items"))
        .extracting(n -> n.get("name").asText())
        .containsExactly("errors", "f1-low");
    pipelineService.apply(
        shop,
        """
        version: 1
        name: retrain
        triggers:
          - alert: f1-low
        steps:
          - id: train
            kind: command
            argv: [/bin/true]
        """,
        Map.of(),
        "alice");

    // Two breaching windows are pending only: nothing fires, nothing is sent.
    assertThat(feed(alerting, 0, MonitorMetric.F1, 0.8)).isEmpty();
    assertThat(feed(alerting, 1, MonitorMetric.F1, 0.42)).isEmpty();
    assertThat(feed(alerting, 2, MonitorMetric.F1, 0.45)).isEmpty();
    assertThat(get(P + "/alerts").get("items")).isEmpty();

    // The third fires, once, however many servers evaluate it.
    List<AlertEvent> fired = feed(alerting, 3, MonitorMetric.F1, 0.31);
    assertThat(fired)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(AlertEvent.Kind.FIRING);
              assertThat(e.summary()).isEqualTo("F1 of flights-prod is 0.31 (below 0.5)");
              assertThat(e.description()).isEqualTo("team risk, since 2026-11-20T03:00:00Z");
              assertThat(e.startsAt()).isEqualTo(T0.plus(HOUR));
              assertThat(e.project()).isEqualTo("shop");
              assertThat(e.labels())
                  .containsEntry("team", "risk")
                  .containsEntry("deployment", "flights-prod")
                  .containsEntry("metric", "f1")
                  .containsEntry("model_version", "*");
              assertThat(e.link().orElseThrow())
                  .isEqualTo("https://tend.example.com/api/v1/projects/shop/alerts/" + e.alertId());
            });
    assertThat(feed(otherServer, 3, MonitorMetric.F1, 0.31)).isEmpty();
    assertThat(feed(alerting, 3, MonitorMetric.F1, 0.31)).isEmpty();
    String f1Alert = fired.getFirst().alertId();
    String incident = fired.getFirst().incidentId();

    JsonNode alert = get(P + "/alerts/" + f1Alert);
    assertThat(alert.get("state").asText()).isEqualTo("firing");
    assertThat(alert.get("onset").asText()).isEqualTo("2026-11-20T01:00:00Z");
    // Detected 5 minutes after the third breaching window ended, 3h05m after the onset.
    assertThat(alert.get("time_to_detect_seconds").asDouble()).isEqualTo(3 * 3600 + 300);

    // The pipeline listening to the rule is queued once, and the timeline says so once.
    assertThat(pipelineRuns()).hasSize(1);
    assertThat(feed(alerting, 4, MonitorMetric.F1, 0.2)).isEmpty(); // still firing
    assertThat(pipelineRuns()).hasSize(1);

    // Another rule breaching on the same deployment joins the open incident.
    List<AlertEvent> errors = feed(alerting, 4, MonitorMetric.ERROR_RATE, 0.09);
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.incidentId()).isEqualTo(incident);
              assertThat(e.severity()).isEqualTo("warning");
              assertThat(e.summary()).isEqualTo("error_rate of flights-prod is 0.09 (above 0.05)");
            });
    assertThat(get(P + "/alerts?state=firing").get("items")).hasSize(2);

    sent.clear();
    JsonNode acked = json(send("POST", P + "/alerts/" + f1Alert + "/acknowledge", null, null), 200);
    assertThat(acked.get("state").asText()).isEqualTo("acknowledged");
    assertThat(acked.get("acknowledged_by").asText()).isEqualTo("admin");
    json(send("POST", P + "/alerts/" + f1Alert + "/acknowledge", null, null), 200);
    assertThat(sent).extracting(AlertEvent::kind).containsExactly(AlertEvent.Kind.ACKNOWLEDGED);
    assertThat(get(P + "/alerts?state=acknowledged").get("items")).hasSize(1);
    assertThat(get(P + "/alerts?state=firing").get("items")).hasSize(1);

    // The f1 alert repeats hourly (as its rule says), the error alert every 4 hours by default.
    Instant firedAt = Instant.parse(alert.get("fired_at").asText());
    assertThat(alerting.tick(firedAt.plus(Duration.ofMinutes(59)))).isEmpty();
    assertThat(alerting.tick(firedAt.plus(HOUR)))
        .extracting(AlertEvent::kind, AlertEvent::alertId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertEvent.Kind.REPEAT, f1Alert));
    assertThat(otherServer.tick(firedAt.plus(HOUR))).isEmpty();
    alerting.delivered(
        f1Alert, new Alerting.Delivery("oncall", AlertEvent.Kind.REPEAT, true, "HTTP 200"));
    alerting.delivered(
        f1Alert, new Alerting.Delivery("pager", AlertEvent.Kind.REPEAT, false, "timed out"));

    // Resolving: the f1 alert first (the incident stays open), then the error alert.
    List<AlertEvent> resolved = feed(alerting, 5, MonitorMetric.F1, 0.7);
    assertThat(resolved)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(AlertEvent.Kind.RESOLVED);
              assertThat(e.endsAt())
                  .contains(T0.plus(HOUR.multipliedBy(6)).plus(Duration.ofMinutes(5)));
            });
    assertThat(get(P + "/incidents/" + incident).get("state").asText()).isEqualTo("open");
    assertThat(feed(alerting, 5, MonitorMetric.ERROR_RATE, 0.01))
        .extracting(AlertEvent::kind)
        .containsExactly(AlertEvent.Kind.RESOLVED);
    assertThat(get(P + "/alerts?state=resolved").get("items")).hasSize(2);

    JsonNode shown = get(P + "/incidents/" + incident);
    assertThat(shown.get("state").asText()).isEqualTo("resolved");
    assertThat(shown.get("severity").asText()).isEqualTo("critical");
    assertThat(shown.get("onset").asText()).isEqualTo("2026-11-20T01:00:00Z");
    assertThat(shown.get("time_to_detect_seconds").asDouble()).isEqualTo(3 * 3600 + 300);
    // Resolved 5 minutes after window 5 ended (06:05): 5h05m after the onset at 01:00.
    assertThat(shown.get("time_to_recover_seconds").asDouble()).isEqualTo(5 * 3600 + 300);
    assertThat(shown.get("fired_to_resolved_seconds").asDouble()).isEqualTo(2 * 3600);
    assertThat(shown.get("alerts")).hasSize(2);
    List<String> kinds = new ArrayList<>();
    shown.get("timeline").forEach(e -> kinds.add(e.get("kind").asText()));
    assertThat(kinds)
        .containsExactly(
            "incident-opened",
            "alert-fired",
            "pipeline-run-queued",
            "alert-fired",
            "alert-acknowledged",
            "alert-repeated",
            "notification-delivered",
            "notification-failed",
            "alert-resolved",
            "alert-resolved",
            "incident-resolved");
    assertThat(shown.at("/timeline/2/detail").asText())
        .contains("pipeline retrain", pipelineRuns().getFirst().id());
    assertThat(get(P + "/incidents").get("items")).hasSize(1);

    // A new breach after recovery opens a new incident.
    assertThat(feed(alerting, 6, MonitorMetric.ERROR_RATE, 0.5))
        .singleElement()
        .satisfies(e -> assertThat(e.incidentId()).isNotEqualTo(incident));
    assertThat(get(P + "/incidents").get("items")).hasSize(2);
    assertThat(
            json(send("POST", P + "/alerts/" + f1Alert + "/acknowledge", null, null), 409)
                .get("code")
                .asText())
        .isEqualTo("conflict");
  }

  @Test
  void aChangeRuleReadsItsBaselineFromTheHistory() throws Exception {
    json(
        send(
            "PUT",
            P + "/alert-rules/throughput-drop",
            "application/yaml",
            "metric: throughput\ncondition:\n  change: {baseline: previous, windows: 3, by: 50%,"
                + " direction: down}\nannotations: {summary: '{{value}} vs {{baseline}}'}"),
        201);
    for (int i = 0; i < 4; i++) {
      assertThat(feed(alerting, i, MonitorMetric.THROUGHPUT, 100 + i)).isEmpty();
    }
    // The mean of windows 1..3 (101, 102, 103) is 102; 40 is down 61%.
    assertThat(feed(alerting, 4, MonitorMetric.THROUGHPUT, 40))
        .singleElement()
        .satisfies(e -> assertThat(e.summary()).isEqualTo("40 vs 102"));
  }

  @Test
  void badRulesAreRefusedWithTheFieldAndNothingIsStored() throws Exception {
    JsonNode unknown =
        json(
            send(
                "PUT",
                P + "/alert-rules/r",
                "application/yaml",
                "metric: f_1\ncondition: {threshold: '< 1'}"),
            422);
    assertThat(unknown.get("detail").asText())
        .contains("r.yaml:1:9: unknown metric 'f_1'; did you mean 'f1'?", "latency_p99_ms");
    assertThat(unknown.at("/errors/0/field").asText()).isEqualTo("/metric");
    JsonNode column =
        json(
            send(
                "PUT",
                P + "/alert-rules/r",
                "application/json",
                "{\"metric\": \"f1\", \"column\": \"distance\","
                    + " \"condition\": {\"threshold\": \"< 1\"}}"),
            422);
    assertThat(column.at("/errors/0/field").asText()).isEqualTo("/column");
    assertThat(column.get("detail").asText()).contains("f1 is a whole-window figure");
    JsonNode yaml =
        json(send("PUT", P + "/alert-rules/r", "application/yaml", "metric: [f1\n"), 400);
    assertThat(yaml.get("detail").asText()).startsWith("r.yaml:").contains("invalid YAML");
    json(send("PUT", P + "/alert-rules/r", "text/plain", "metric: f1"), 415);
    json(send("PUT", P + "/alert-rules/bad%20name", "application/yaml", "metric: f1"), 422);
    json(send("PUT", P + "/alert-rules/r", "application/yaml", ""), 422);
    json(
        send(
            "PUT",
            P + "/alert-rules/r",
            "application/yaml",
            "name: other\nmetric: f1\ncondition: {threshold: '< 1'}"),
        422);
    json(send("GET", P + "/alert-rules/r", null, null), 404);
    json(send("GET", P + "/alerts?state=open", null, null), 422);
    json(send("GET", P + "/alerts/01ARZ3NDEKTSV4RRFFQ69G5FAV", null, null), 404);
    json(send("GET", P + "/incidents/nope", null, null), 404);
    json(send("DELETE", P + "/alert-rules/r", null, null), 404);
    assertThat(get(P + "/alert-rules").get("items")).isEmpty();
  }

  @Test
  void viewersReadRulesAndAlertsButOnlyEditorsChangeThem() throws Exception {
    json(send("PUT", P + "/alert-rules/f1-low", "application/yaml", F1_RULE), 201);
    Principal bob = store.access().createPrincipal("bob", false, "admin");
    store.access().grant(shop.id(), bob.id(), Role.VIEWER, "admin");
    token = store.access().createToken(bob.id(), "t", "admin").plainText();
    assertThat(get(P + "/alert-rules").get("items")).hasSize(1);
    assertThat(get(P + "/alerts").get("items")).isEmpty();
    json(send("PUT", P + "/alert-rules/f1-low", "application/yaml", F1_RULE), 403);
    json(send("DELETE", P + "/alert-rules/f1-low", null, null), 403);
    json(send("POST", P + "/alerts/01ARZ3NDEKTSV4RRFFQ69G5FAV/acknowledge", null, null), 403);
    store.access().grant(shop.id(), bob.id(), Role.EDITOR, "admin");
    json(send("DELETE", P + "/alert-rules/f1-low", null, null), 204);
  }

  List<PipelineRun> pipelineRuns() {
    return store
        .pipelines()
        .runs(shop.id(), Optional.of("retrain"), Optional.empty(), 100, Optional.empty())
        .items();
  }
}
