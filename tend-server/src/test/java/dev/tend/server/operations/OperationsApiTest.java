package dev.tend.server.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.alert.AlertState;
import dev.tend.alert.SeriesState;
import dev.tend.alerting.AlertRepository;
import dev.tend.alerting.NewAlert;
import dev.tend.alerting.SeriesMove;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.pipelines.NewPipelineRun;
import dev.tend.pipelines.RunTrigger;
import dev.tend.projects.Project;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.deployments.DeploymentsApi;
import dev.tend.server.deployments.RolloutController;
import dev.tend.server.deployments.RolloutMonitor;
import dev.tend.server.deployments.RolloutQuality;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.server.serving.ServingApi;
import dev.tend.server.serving.TrafficObserver.Role;
import dev.tend.server.training.TrainingApi;
import dev.tend.server.training.TrainingService;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.store.TestDatabase;
import dev.tend.store.TestDatabase.MutableClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Operations figures through real HTTP on the real store (SQLite and PostgreSQL): a dataset is
 * pushed and two models trained on it, one is deployed, a canary of the other is rolled back by the
 * real rollout controller, a second canary is promoted by hand, an alert fires and resolves, and a
 * trigger queues a run; every figure is then checked against values worked out by hand from the
 * times the test set on the store's clock.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class OperationsApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PENGUINS = Path.of("../../shared/data/penguins.json");
  static final String PROJECT = "/api/v1/projects/zoo";
  static final String DEPLOYMENT = PROJECT + "/deployments/species";
  static final String OPERATIONS = PROJECT + "/operations";
  /* The store's clock starts at 2026-01-01T00:00:00Z (a Thursday): the dataset is pushed then. */
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  TestDatabase db;
  MutableClock dbClock;
  StoreServices store;
  Engine engine;
  ServingApi serving;
  MutableClock clock = new MutableClock(Instant.now());
  RolloutMonitor monitor = new RolloutMonitor(clock);
  PredictionLog predictions;
  List<String> changed = new ArrayList<>();
  RolloutController controller;
  TendServer server;
  HttpClient client;
  String admin;

  @BeforeEach
  void start() throws Exception {
    db = TestDatabase.create(database);
    dbClock = db.clock();
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
    store = StoreServices.open(config, dbClock);
    engine = DuckDbEngines.create();
    predictions =
        PredictionLog.open(
            dataDir.resolve("predictions"), PredictionLogOptions.defaults().withoutMaintenance());
    serving =
        new ServingApi(
            store.projects(),
            store.registry(),
            store.deployments(),
            store.artifacts(),
            dataDir.resolve("models"),
            predictions,
            monitor,
            ServingApi.DEFAULT_REFRESH);
    DeploymentsApi deployments =
        new DeploymentsApi(
            store.projects(),
            store.registry(),
            store.deployments(),
            serving.servable(),
            monitor,
            changed::add);
    controller =
        new RolloutController(
            store.deployments(), monitor, RolloutQuality.NO_LABELS, deployments, clock);
    server =
        TendServer.start(
            config,
            store.services(),
            List.of(
                new ProjectsApi(store.projects()),
                new DatasetsApi(
                    store.projects(), store.datasets(), store.artifacts(), engine, store.workDir()),
                new TrainingApi(
                    store.projects(),
                    store.datasets(),
                    new TrainingService(
                        store.datasets(),
                        store.tracking(),
                        store.runArtifacts(),
                        store.registry(),
                        store.artifacts(),
                        engine,
                        store.workDir())),
                serving,
                deployments,
                new OperationsApi(
                    store.projects(),
                    store.deployments(),
                    AlertRepository.of(store.database()),
                    store.pipelines(),
                    store.registry(),
                    store.tracking(),
                    store.datasets(),
                    db.clock())));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    admin = store.bootstrap(Optional.empty()).orElseThrow().plainText();
    json(send("POST", "/api/v1/projects", "{\"name\": \"zoo\"}"), 201);
    json(send("POST", "/api/v1/projects", "{\"name\": \"farm\"}"), 201);
    json(send("PUT", PROJECT + "/datasets/penguins", null), 201);
    byte[] bytes = Files.readAllBytes(PENGUINS);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    HttpResponse<String> blob =
        client.send(
            request("/api/v1/blobs/" + sha)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            BodyHandlers.ofString());
    assertThat(blob.statusCode()).isIn(200, 201);
    ObjectNode version = JSON.createObjectNode();
    version
        .putArray("files")
        .addObject()
        .put("path", "penguins.json")
        .put("size", bytes.length)
        .put("sha256", sha);
    json(send("POST", PROJECT + "/datasets/penguins/versions", version.toString()), 201);
    train(List.of("Island", "Beak Length (mm)", "Flipper Length (mm)"), 7);
    /* Version 2 does not know Island: clients sending it would be refused by its signature. */
    train(List.of("Beak Length (mm)", "Beak Depth (mm)"), 8);
    changed.clear();
  }

  void train(List<String> features, int seed) throws Exception {
    ObjectNode train = JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    features.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", 5).put("max_depth", 2);
    train.put("seed", seed);
    json(send("POST", PROJECT + "/models/species/train", train.toString()), 201);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (controller != null) {
      controller.close();
    }
    if (serving != null) {
      serving.close();
    }
    if (predictions != null) {
      predictions.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (store != null) {
      store.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void theFiguresOfADeployARolledBackCanaryAPromotionAndAnIncident() throws Exception {
    assertThat(dbClock.instant()).isEqualTo(T0);
    /* 01:00 deploy v1 (lead time 1 h from the push at 00:00). */
    dbClock.advance(Duration.ofHours(1));
    json(
        send(
            "PUT",
            DEPLOYMENT,
            "{\"model\": \"species\", \"version\": 1, \"environment\": \"prod\"}"),
        201);
    /* 02:00 a canary of v2, failed by the controller at 02:10. */
    dbClock.advance(Duration.ofHours(1));
    JsonNode started = json(send("POST", DEPLOYMENT + "/rollout", canary()), 201);
    dbClock.advance(Duration.ofMinutes(10));
    String stable = started.at("/deployment/traffic/stable/version_id").asText();
    String candidate = started.at("/deployment/traffic/candidate/version_id").asText();
    clock.advance(Duration.ofSeconds(30));
    for (int window = 0; window < 2; window++) {
      for (int i = 0; i < 20; i++) {
        monitor.served("species", stable, Role.STABLE, 1_000_000, false);
        monitor.served("species", candidate, Role.CANDIDATE, 1_000_000, true);
      }
      clock.advance(Duration.ofSeconds(30));
      controller.tick();
    }
    assertThat(json(send("GET", DEPLOYMENT, null), 200).at("/rollout/state").asText())
        .isEqualTo("none");
    /* 03:10 the canary again, promoted by hand at 03:15 (lead time 3 h 15 min). */
    dbClock.advance(Duration.ofHours(1));
    json(send("POST", DEPLOYMENT + "/rollout", canary()), 201);
    dbClock.advance(Duration.ofMinutes(5));
    json(send("POST", DEPLOYMENT + "/rollout/promote", "{\"reason\": \"fine\"}"), 200);
    /* A trigger queues a run at 03:15. */
    Project zoo = store.projects().findByName("zoo").orElseThrow();
    store
        .pipelines()
        .enqueue(
            new NewPipelineRun(
                zoo.id(),
                "retrain",
                OptionalInt.empty(),
                "name: retrain",
                Map.of(),
                Map.of(),
                new RunTrigger(RunTrigger.Kind.ALERT, "rule fired", Optional.empty()),
                Optional.empty(),
                List.of(new NewPipelineRun.NewStep("train", "train")),
                "trigger"));
    /* An alert whose problem began at 03:45 fires at 04:15 and resolves at 06:15. */
    fireAndResolve(
        zoo,
        Instant.parse("2026-01-01T03:45:00Z"),
        Instant.parse("2026-01-01T04:15:00Z"),
        Instant.parse("2026-01-01T06:15:00Z"));

    JsonNode figures =
        json(send("GET", OPERATIONS + "?from=2026-01-01&to=2026-01-02T00:00:00Z", null), 200);
    assertThat(figures.get("bucket").asText()).isEqualTo("day");
    assertThat(figures.get("environment").isNull()).isTrue();
    JsonNode totals = figures.get("totals");
    assertThat(totals.get("deployments").asInt()).isEqualTo(2);
    assertThat(totals.at("/deployments_by_environment/prod").asInt()).isEqualTo(2);
    assertThat(totals.get("deployments_per_day").asDouble()).isEqualTo(2.0);
    assertThat(totals.get("rolled_back_rollouts").asInt()).isEqualTo(1);
    assertThat(totals.get("reverts").asInt()).isZero();
    assertThat(totals.get("change_attempts").asInt()).isEqualTo(3);
    assertThat(totals.get("change_failure_rate").asDouble()).isEqualTo(1 / 3.0);
    // Lead times 3600 s and 11700 s: median 7650, p90 3600 + 0.9 * 8100.
    assertThat(totals.at("/lead_time/count").asInt()).isEqualTo(2);
    assertThat(totals.at("/lead_time/median_seconds").asDouble()).isEqualTo(7650.0);
    assertThat(totals.at("/lead_time/p90_seconds").asDouble()).isCloseTo(10890.0, within());
    assertThat(totals.get("incidents").asInt()).isEqualTo(1);
    assertThat(totals.get("resolved_incidents").asInt()).isEqualTo(1);
    assertThat(totals.at("/time_to_detect/median_seconds").asDouble()).isEqualTo(1800.0);
    assertThat(totals.at("/time_to_recover/median_seconds").asDouble()).isEqualTo(9000.0);
    // deploy, rollout, rollout, promote by the admin; the controller's rollback and the
    // trigger's run are automated.
    assertThat(totals.get("actions").toString())
        .isEqualTo("{\"total\":6,\"automated\":2,\"manual\":4}");
    assertThat(totals.at("/actions_by_kind/rollback/automated").asInt()).isEqualTo(1);
    assertThat(totals.at("/actions_by_kind/rollout/manual").asInt()).isEqualTo(2);
    assertThat(totals.at("/actions_by_kind/pipeline-run/automated").asInt()).isEqualTo(1);
    assertThat(figures.get("buckets")).hasSize(1);
    assertThat(figures.at("/buckets/0/figures")).isEqualTo(totals);

    JsonNode changes = figures.get("changes");
    assertThat(changes).hasSize(2);
    assertThat(changes.at("/0/kind").asText()).isEqualTo("deploy");
    assertThat(changes.at("/0/at").asText()).isEqualTo("2026-01-01T01:00:00Z");
    assertThat(changes.at("/0/model").asText()).isEqualTo("species");
    assertThat(changes.at("/0/model_version").asInt()).isEqualTo(1);
    assertThat(changes.at("/0/previous_version_id").isNull()).isTrue();
    assertThat(changes.at("/0/dataset").asText()).isEqualTo("penguins");
    assertThat(changes.at("/0/dataset_version").asInt()).isEqualTo(1);
    assertThat(changes.at("/0/data_pushed_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(changes.at("/0/lead_time_seconds").asDouble()).isEqualTo(3600.0);
    assertThat(changes.at("/1/kind").asText()).isEqualTo("promote");
    assertThat(changes.at("/1/model_version").asInt()).isEqualTo(2);
    assertThat(changes.at("/1/previous_version_id").asText()).isEqualTo(stable);
    assertThat(changes.at("/1/automated").asBoolean()).isFalse();
    assertThat(changes.at("/1/lead_time_seconds").asDouble()).isEqualTo(11700.0);
    JsonNode incident = figures.at("/incidents/0");
    assertThat(incident.get("state").asText()).isEqualTo("resolved");
    assertThat(incident.get("onset").asText()).isEqualTo("2026-01-01T03:45:00Z");
    assertThat(incident.get("time_to_detect_seconds").asDouble()).isEqualTo(1800.0);
    assertThat(incident.get("time_to_recover_seconds").asDouble()).isEqualTo(9000.0);

    /* By week: Thursday to Sunday, then Monday to the period's end; the empty week has no rates. */
    JsonNode weeks =
        json(send("GET", OPERATIONS + "?from=2026-01-01&to=2026-01-08&bucket=week", null), 200);
    assertThat(weeks.get("buckets")).hasSize(2);
    assertThat(weeks.at("/buckets/0/end").asText()).isEqualTo("2026-01-05T00:00:00Z");
    assertThat(weeks.at("/buckets/0/figures/deployments").asInt()).isEqualTo(2);
    assertThat(weeks.at("/buckets/0/figures/deployments_per_day").asDouble()).isEqualTo(0.5);
    JsonNode empty = weeks.at("/buckets/1/figures");
    assertThat(empty.get("deployments").asInt()).isZero();
    assertThat(empty.get("change_failure_rate").isNull()).isTrue();
    assertThat(empty.at("/lead_time/median_seconds").isNull()).isTrue();
    assertThat(empty.at("/time_to_recover/p90_seconds").isNull()).isTrue();

    /* The dev environment has none of it, and no pipeline runs: they belong to no environment. */
    JsonNode dev =
        json(send("GET", OPERATIONS + "?from=2026-01-01&to=2026-01-02&environment=dev", null), 200);
    assertThat(dev.get("environment").asText()).isEqualTo("dev");
    assertThat(dev.at("/totals/deployments").asInt()).isZero();
    assertThat(dev.at("/totals/incidents").asInt()).isZero();
    assertThat(dev.at("/totals/actions/total").asInt()).isZero();
    assertThat(dev.at("/totals/change_failure_rate").isNull()).isTrue();
    JsonNode prod =
        json(
            send("GET", OPERATIONS + "?from=2026-01-01&to=2026-01-02&environment=prod", null), 200);
    assertThat(prod.at("/totals/deployments").asInt()).isEqualTo(2);
    assertThat(prod.at("/totals/incidents").asInt()).isEqualTo(1);
    assertThat(prod.at("/totals/actions/total").asInt()).isEqualTo(5);

    /* Without a period: the 30 days before now, which ends before now (the promotion at 03:15). */
    JsonNode upToNow = json(send("GET", OPERATIONS, null), 200);
    assertThat(upToNow.at("/totals/deployments").asInt()).isEqualTo(1);
    dbClock.advance(Duration.ofMinutes(1));
    JsonNode recent = json(send("GET", OPERATIONS, null), 200);
    assertThat(Instant.parse(recent.get("to").asText())).isEqualTo(dbClock.instant());
    assertThat(recent.get("buckets").size()).isBetween(30, 31);
    assertThat(recent.at("/totals/deployments").asInt()).isEqualTo(2);
  }

  @Test
  void badParametersAreRefusedNamingTheField() throws Exception {
    invalid("?bucket=month", "bucket");
    invalid("?environment=qa", "environment");
    invalid("?from=yesterday", "from");
    invalid("?to=2026-13-01", "to");
    invalid("?from=2026-01-02&to=2026-01-01", "from");
    invalid("?from=2020-01-01&to=2026-01-01", "from");
    assertThat(send("GET", "/api/v1/projects/nope/operations", null).statusCode()).isEqualTo(404);
  }

  void invalid(String query, String field) throws Exception {
    HttpResponse<String> response = send("GET", OPERATIONS + query, null);
    JsonNode problem = problem(response, 422, "validation-failed");
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("application/problem+json");
    assertThat(problem.at("/errors/0/field").asText()).as(response.body()).isEqualTo(field);
  }

  static String canary() {
    return "{\"model\": \"species\", \"version\": 2, \"mode\": \"canary\", \"percent\": 10,"
        + " \"policy\": {\"window\": \"30s\", \"min_requests\": 10, \"failed_windows\": 2,"
        + " \"bake\": \"5m\", \"promotion\": \"manual\"}}";
  }

  /* Stores an alert firing and resolving as the alert rules do when they judge windows. */
  void fireAndResolve(Project project, Instant onset, Instant firedAt, Instant resolvedAt) {
    AlertRepository alerts = AlertRepository.of(store.database());
    NewAlert alert =
        new NewAlert(
            "fp-f1",
            "f1-low",
            "species",
            "*",
            "",
            "",
            "f1",
            "critical",
            Map.of(),
            "f1 low on species",
            "",
            List.of(),
            onset,
            0.4,
            firedAt,
            Duration.ofHours(1));
    alerts
        .move(
            new SeriesMove(
                project.id(),
                "fp-f1",
                "f1-low",
                OptionalLong.empty(),
                new SeriesState(
                    AlertState.FIRING, 2, Optional.of(onset), Optional.of(firedAt), false),
                Optional.of(alert),
                false,
                0.4,
                firedAt),
            firedAt)
        .orElseThrow();
    long seq = alerts.series(project.id(), "fp-f1").orElseThrow().seq();
    alerts
        .move(
            new SeriesMove(
                project.id(),
                "fp-f1",
                "f1-low",
                OptionalLong.of(seq),
                new SeriesState(
                    AlertState.RESOLVED, 0, Optional.empty(), Optional.of(resolvedAt), false),
                Optional.empty(),
                true,
                0.8,
                resolvedAt),
            resolvedAt)
        .orElseThrow();
  }

  static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path))
        .timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + admin);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return client.send(request.build(), BodyHandlers.ofString());
  }

  private static JsonNode problem(HttpResponse<String> response, int status, String code)
      throws Exception {
    JsonNode problem = json(response, status);
    assertThat(problem.get("code").asText()).as(response.body()).isEqualTo(code);
    return problem;
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
