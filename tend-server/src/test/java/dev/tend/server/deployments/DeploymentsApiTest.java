package dev.tend.server.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.deployments.DeploymentEvent;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
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
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deployments and rollouts through real HTTP on a server with the real store (SQLite and
 * PostgreSQL), two XGBoost versions trained on the Palmer penguins, and the real rollout monitor
 * and controller on a clock the test moves. Traffic is reported to the monitor as the serving path
 * reports it.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class DeploymentsApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PENGUINS = Path.of("../../shared/data/penguins.json");
  static final String PROJECT = "/api/v1/projects/zoo";
  static final String DEPLOYMENT = PROJECT + "/deployments/species";

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  TestDatabase db;
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
                deployments));
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
    json(
        send(
            "PUT",
            DEPLOYMENT,
            "{\"model\": \"species\", \"version\": 1, \"environment\": \"prod\","
                + " \"reason\": \"first\"}"),
        201);
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
  void aFailingCanaryIsRolledBackByTheControllerAndTheHistorySaysWhy() throws Exception {
    JsonNode started =
        json(
            send(
                "POST",
                DEPLOYMENT + "/rollout",
                "{\"model\": \"species\", \"version\": 2, \"mode\": \"canary\", \"percent\": 10,"
                    + " \"reason\": \"fewer features\", \"policy\": {\"window\": \"30s\","
                    + " \"min_requests\": 10, \"failed_windows\": 2, \"bake\": \"5m\"}}"),
            201);
    assertThat(started.at("/rollout/state").asText()).isEqualTo("in-progress");
    assertThat(started.at("/rollout/mode").asText()).isEqualTo("canary");
    assertThat(started.at("/rollout/percent").asInt()).isEqualTo(10);
    assertThat(started.at("/rollout/policy/window").asText()).isEqualTo("30s");
    assertThat(started.at("/rollout/policy/min_success_rate").asDouble()).isEqualTo(0.99);
    assertThat(started.at("/rollout/policy/max_p99_millis").asLong()).isEqualTo(500);
    assertThat(started.at("/rollout/policy/promotion").asText()).isEqualTo("auto");
    assertThat(started.at("/deployment/traffic/stable/percent").asInt()).isEqualTo(90);
    assertThat(started.at("/deployment/traffic/candidate/version").asInt()).isEqualTo(2);
    assertThat(started.at("/events/0/kind").asText()).isEqualTo("rollout-started");
    assertThat(started.at("/window").asText()).isEqualTo("30s");
    assertThat(changed).containsExactly("species");
    problem(
        send(
            "POST",
            DEPLOYMENT + "/rollout",
            "{\"model\": \"species\", \"version\": 2, \"mode\": \"ab\", \"percent\": 50}"),
        409,
        "conflict");

    String stable = started.at("/deployment/traffic/stable/version_id").asText();
    String candidate = started.at("/deployment/traffic/candidate/version_id").asText();
    clock.advance(Duration.ofSeconds(30));
    for (int window = 0; window < 2; window++) {
      for (int i = 0; i < 50; i++) {
        monitor.served("species", stable, Role.STABLE, 3_000_000, false);
        monitor.served("species", candidate, Role.CANDIDATE, 1_000_000, i % 2 == 0);
      }
      clock.advance(Duration.ofSeconds(30));
      JsonNode live = json(send("GET", DEPLOYMENT, null), 200);
      assertThat(live.at("/figures/1/role").asText()).isEqualTo("candidate");
      assertThat(live.at("/figures/1/last/requests").asInt()).isEqualTo(50);
      assertThat(live.at("/figures/1/last/errors").asInt()).isEqualTo(25);
      assertThat(live.at("/figures/1/last/success_rate").asDouble()).isEqualTo(0.5);
      assertThat(live.at("/figures/0/last/p99_millis").asDouble()).isBetween(2.8, 3.2);
      controller.tick();
    }

    JsonNode after = json(send("GET", DEPLOYMENT, null), 200);
    assertThat(after.at("/rollout/state").asText()).isEqualTo("none");
    assertThat(after.at("/deployment/traffic/candidate").isMissingNode()).isTrue();
    assertThat(after.at("/deployment/version").asInt()).isEqualTo(1);
    assertThat(after.at("/deployment/updated_by").asText()).isEqualTo(DeploymentEvent.CONTROLLER);
    assertThat(after.at("/events/0/kind").asText()).isEqualTo("rolled-back");
    assertThat(after.at("/events/0/created_by").asText()).isEqualTo(DeploymentEvent.CONTROLLER);
    assertThat(after.at("/events/0/reason").asText())
        .contains("2 failing windows")
        .contains("candidate success rate 50.00% < 99.00%");
    assertThat(changed).containsExactly("species", "species");

    JsonNode history = json(send("GET", DEPLOYMENT + "/history", null), 200);
    assertThat(history.get("revisions")).hasSize(3);
    assertThat(history.at("/revisions/1/reason").asText()).isEqualTo("fewer features");
    assertThat(history.at("/revisions/1/created_by").asText()).isEqualTo("admin");
    assertThat(history.at("/revisions/1/traffic/candidate/mode").asText()).isEqualTo("canary");
    assertThat(history.get("events").findValuesAsText("kind"))
        .containsExactly("rolled-back", "window-evaluated", "window-evaluated", "rollout-started");
    problem(send("POST", DEPLOYMENT + "/rollout/promote", "{}"), 409, "conflict");
  }

  @Test
  void aUserPromotesAShadowAndTheCandidateBecomesStable() throws Exception {
    JsonNode started =
        json(
            send(
                "POST",
                DEPLOYMENT + "/rollout",
                "{\"model\": \"species\", \"version\": 2, \"mode\": \"shadow\", \"percent\": 100,"
                    + " \"policy\": {\"promotion\": \"manual\", \"bake\": \"0s\"}}"),
            201);
    assertThat(started.at("/deployment/traffic/stable/percent").asInt()).isEqualTo(100);
    assertThat(started.at("/figures/1/role").asText()).isEqualTo("shadow");

    JsonNode promoted =
        json(send("POST", DEPLOYMENT + "/rollout/promote", "{\"reason\": \"answers agree\"}"), 200);

    assertThat(promoted.at("/deployment/version").asInt()).isEqualTo(2);
    assertThat(promoted.at("/deployment/revision").asInt()).isEqualTo(3);
    assertThat(promoted.at("/deployment/reason").asText()).isEqualTo("answers agree");
    assertThat(promoted.at("/rollout/state").asText()).isEqualTo("none");
    assertThat(promoted.at("/events/0/kind").asText()).isEqualTo("promoted");
    problem(send("POST", DEPLOYMENT + "/rollout/rollback", "{}"), 409, "conflict");
    JsonNode list = json(send("GET", "/api/v1/deployments", null), 200);
    assertThat(list.at("/items/0/version").asInt()).isEqualTo(2);
  }

  @Test
  void badRolloutsAreRefusedNamingTheFieldAndStoreNothing() throws Exception {
    String url = DEPLOYMENT + "/rollout";
    String v2 = "\"model\": \"species\", \"version\": 2, ";
    assertPointer(send("POST", url, "{" + v2 + "\"mode\": \"blue\", \"percent\": 5}"), "/mode");
    assertPointer(
        send("POST", url, "{" + v2 + "\"mode\": \"canary\", \"percent\": 0}"), "/percent");
    assertPointer(
        send("POST", url, "{" + v2 + "\"mode\": \"canary\", \"percent\": 100}"), "/percent");
    assertPointer(send("POST", url, "{" + v2 + "\"mode\": \"canary\"}"), "/percent");
    assertPointer(
        send(
            "POST", url, "{" + v2 + "\"mode\": \"canary\", \"percent\": 5, \"sticky_key\": \"k\"}"),
        "/sticky_key");
    assertPointer(
        send(
            "POST",
            url,
            "{" + v2 + "\"mode\": \"canary\", \"percent\": 5, \"policy\": {\"window\": \"5\"}}"),
        "/policy/window");
    assertPointer(
        send(
            "POST",
            url,
            "{"
                + v2
                + "\"mode\": \"canary\", \"percent\": 5, \"policy\": {\"max_quality_drop\": 0.1}}"),
        "/policy/quality_metric");
    assertPointer(
        send(
            "POST",
            url,
            "{"
                + v2
                + "\"mode\": \"canary\", \"percent\": 5, \"policy\": {\"min_success_rate\": 2}}"),
        "/policy");
    assertPointer(
        send(
            "POST",
            url,
            "{\"model\": \"species\", \"version\": 1, \"mode\": \"canary\", \"percent\": 5}"),
        "/version");
    assertPointer(
        send(
            "POST",
            url,
            "{\"model\": \"species\", \"version\": 9, \"mode\": \"canary\", \"percent\": 5}"),
        "/version");
    assertPointer(
        send(
            "POST",
            url,
            "{" + v2 + "\"mode\": \"canary\", \"percent\": 5, \"policy\": {\"windw\": \"1m\"}}"),
        "/policy/windw");
    problem(
        send("POST", url, "{" + v2 + "\"mode\": \"canary\", \"percent\": 5"),
        400,
        "malformed-request");
    problem(
        send(
            "POST",
            "/api/v1/projects/farm/deployments/species/rollout",
            "{" + v2 + "\"mode\": \"canary\", \"percent\": 5}"),
        404,
        "not-found");
    problem(send("GET", PROJECT + "/deployments/nothing", null), 404, "not-found");
    problem(send("GET", PROJECT + "/deployments/nothing/history", null), 404, "not-found");

    JsonNode unchanged = json(send("GET", DEPLOYMENT, null), 200);
    assertThat(unchanged.at("/rollout/state").asText()).isEqualTo("none");
    assertThat(unchanged.at("/deployment/revision").asInt()).isEqualTo(1);
    assertThat(unchanged.get("events")).isEmpty();
    assertThat(changed).isEmpty();
  }

  @Test
  void anEditorMayNotRollOutPromoteOrRollBackInProd() throws Exception {
    var access = store.access();
    var editor = access.createPrincipal("eddie", false, "admin");
    String project = store.projects().findByName("zoo").orElseThrow().id();
    access.grant(project, editor.id(), dev.tend.access.Role.EDITOR, "admin");
    String token = access.createToken(editor.id(), "test", "admin").plainText();
    String body = "{\"model\": \"species\", \"version\": 2, \"mode\": \"canary\", \"percent\": 5}";

    String saved = admin;
    admin = token;
    try {
      JsonNode refused = problem(send("POST", DEPLOYMENT + "/rollout", body), 403, "forbidden");
      assertThat(refused.get("detail").asText()).contains("maintainer role");
      problem(send("POST", DEPLOYMENT + "/rollout/promote", "{}"), 403, "forbidden");
      problem(send("POST", DEPLOYMENT + "/rollout/rollback", "{}"), 403, "forbidden");
      json(send("GET", DEPLOYMENT, null), 200);
    } finally {
      admin = saved;
    }
    assertThat(store.deployments().rollout("species")).isEmpty();
  }

  private void assertPointer(HttpResponse<String> response, String pointer) throws Exception {
    JsonNode problem = problem(response, 422, "validation-failed");
    assertThat(problem.at("/errors/0/field").asText()).as(response.body()).isEqualTo(pointer);
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
