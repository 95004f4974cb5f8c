package dev.tend.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.deployments.Candidate;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.RolloutMode;
import dev.tend.deployments.Traffic;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.registry.RegisteredModel;
import dev.tend.server.ApiModule;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.deployments.DeploymentsApi;
import dev.tend.server.deployments.RolloutMonitor;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.server.training.TrainingApi;
import dev.tend.server.training.TrainingService;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.serving.log.PredictionQuery;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A real server (SQLite or PostgreSQL store, XGBoost runtime, a real prediction log) with project
 * {@code zoo} and model {@code species} trained on the Palmer penguins data: version 1 always,
 * version 2 on request. For the serving tests that route between versions.
 */
public final class ServingFixture implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  static final Path PENGUINS = Path.of("../../shared/data/penguins.json");
  public static final String PROJECT = "/api/v1/projects/zoo";
  public static final List<String> FEATURES =
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)");

  public final TestDatabase db;
  public final StoreServices store;
  final Engine engine;
  public final PredictionLog log;
  final ServingApi serving;
  final TendServer server;
  final HttpClient client;
  final String admin;
  public final List<Map<String, Object>> penguins;

  ServingFixture(
      dev.tend.store.Engine database,
      Path dataDir,
      PredictionLogOptions logOptions,
      TrafficObserver observer)
      throws Exception {
    this(database, dataDir, logOptions, observer, (store, log) -> List.of());
  }

  /**
   * The fixture with more API modules, made from its store and prediction log: for features built
   * on serving, such as monitoring.
   */
  public ServingFixture(
      dev.tend.store.Engine database,
      Path dataDir,
      PredictionLogOptions logOptions,
      TrafficObserver observer,
      BiFunction<StoreServices, PredictionLog, List<ApiModule>> more)
      throws Exception {
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
    log = PredictionLog.open(dataDir.resolve("predictions"), logOptions.withoutMaintenance());
    // A refresh far away: a test sees a change only through the listener.
    serving =
        new ServingApi(
            store.projects(),
            store.registry(),
            store.deployments(),
            store.artifacts(),
            dataDir.resolve("models"),
            log,
            observer,
            Duration.ofHours(1));
    List<ApiModule> modules = new ArrayList<>();
    modules.addAll(
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
            new DeploymentsApi(
                store.projects(),
                store.registry(),
                store.deployments(),
                serving.servable(),
                new RolloutMonitor(Clock.systemUTC()),
                serving)));
    modules.addAll(more.apply(store, log));
    server = TendServer.start(config, store.services(), modules);
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    admin = store.bootstrap(Optional.empty()).orElseThrow().plainText();
    json(send("POST", "/api/v1/projects", "{\"name\": \"zoo\"}"), 201);
    json(send("PUT", PROJECT + "/datasets/penguins", null), 201);
    byte[] bytes = Files.readAllBytes(PENGUINS);
    penguins = JSON.readValue(bytes, new TypeReference<>() {});
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
    train(20, 3, 7);
  }

  /** Trains the next version of {@code species}. */
  public JsonNode train(int rounds, int maxDepth, int seed) throws Exception {
    ObjectNode train = JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    FEATURES.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", rounds).put("max_depth", maxDepth);
    train.put("seed", seed);
    return json(send("POST", PROJECT + "/models/species/train", train.toString()), 201);
  }

  /** Deploys version {@code version} of {@code species} as the stable version of {@code name}. */
  public void deploy(String name, int version) throws Exception {
    HttpResponse<String> response =
        send(
            "PUT",
            PROJECT + "/deployments/" + name,
            "{\"model\": \"species\", \"version\": " + version + ", \"environment\": \"dev\"}");
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
  }

  /** Starts a rollout of {@code species} version {@code version} in the store, as rollouts will. */
  void rollout(String name, int version, RolloutMode mode, int percent, Optional<String> key) {
    Deployment d = store.deployments().get(name).orElseThrow();
    String projectId = store.projects().findByName("zoo").orElseThrow().id();
    RegisteredModel model = store.registry().model(projectId, "species").orElseThrow();
    String candidate = store.registry().version(model.id(), version).orElseThrow().id();
    store
        .deployments()
        .update(
            name,
            new Traffic(
                d.current().traffic().stableVersionId(),
                Optional.of(new Candidate(candidate, mode, percent, key))),
            "test rollout",
            d.createdBy());
  }

  /** Starts a shadow of {@code species} version {@code version} and tells the serving path. */
  public void shadow(String name, int version) {
    rollout(name, version, RolloutMode.SHADOW, 100, Optional.empty());
    serving.changed(name);
  }

  /** Penguin {@code index}'s features, as a row of inputs. */
  public Map<String, Object> row(int index) {
    Map<String, Object> row = new LinkedHashMap<>();
    FEATURES.forEach(f -> row.put(f, penguins.get(index).get(f)));
    return row;
  }

  /** Every durable record in the log. */
  public List<PredictionRecord> logged() {
    return log.query(PredictionQuery.all(1_000_000));
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path))
        .timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + admin);
  }

  public HttpResponse<String> send(String method, String path, String body) throws Exception {
    return client.send(build(method, path, body), BodyHandlers.ofString());
  }

  HttpRequest build(String method, String path, String body) {
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
    return request.build();
  }

  public static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }

  /** The token of the fixture's admin. */
  public String admin() {
    return admin;
  }

  @Override
  public void close() {
    try {
      client.close();
      server.close();
      serving.close();
      log.close();
      engine.close();
      store.close();
    } finally {
      db.close();
    }
  }
}
