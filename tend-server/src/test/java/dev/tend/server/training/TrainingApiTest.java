package dev.tend.server.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.artifacts.Manifest;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.artifacts.Manifests;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.registry.ModelFormat;
import dev.tend.registry.ModelVersion;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.store.TestDatabase;
import dev.tend.tracking.Metric;
import dev.tend.tracking.Run;
import dev.tend.tracking.RunStatus;
import dev.tend.tracking.TrackingRepository;
import dev.tend.train.model.Model;
import dev.tend.train.model.Prediction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Training through real HTTP on a server with the real store (SQLite and PostgreSQL), DuckDB and
 * XGBoost, on the real Palmer penguins data.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class TrainingApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PENGUINS = Path.of("../../shared/data/penguins.json");
  static final String DATASET = "/api/v1/projects/zoo/datasets/penguins";
  static final String TRAIN = "/api/v1/projects/zoo/models/species/train";
  static final List<String> FEATURES =
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)");

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  Engine engine;
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
                        store.workDir()))));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    admin = store.bootstrap(Optional.empty()).orElseThrow().plainText();
    assertThat(send("POST", "/api/v1/projects", "{\"name\": \"zoo\"}").statusCode()).isEqualTo(201);
    assertThat(send("PUT", DATASET, null).statusCode()).isEqualTo(201);
    byte[] penguins = Files.readAllBytes(PENGUINS);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(penguins));
    HttpResponse<String> blob =
        client.send(
            request("/api/v1/blobs/" + sha)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(penguins))
                .build(),
            BodyHandlers.ofString());
    assertThat(blob.statusCode()).isIn(200, 201);
    ObjectNode version = JSON.createObjectNode();
    version
        .putArray("files")
        .addObject()
        .put("path", "penguins.json")
        .put("size", penguins.length)
        .put("sha256", sha);
    json(send("POST", DATASET + "/versions", JSON.writeValueAsString(version)), 201);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
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

  static ObjectNode body() {
    ObjectNode body = JSON.createObjectNode();
    body.put("dataset", "penguins@1");
    body.put("label", "Species");
    FEATURES.forEach(body.putArray("features")::add);
    body.put("task", "multiclass");
    body.putObject("split").put("validation", 0.2).put("test", 0.2);
    body.putObject("params").put("rounds", 30).put("max_depth", 3);
    body.put("seed", 7);
    return body;
  }

  @Test
  void aTrainedModelIsARunAndARegisteredVersionLinkedToItsDataset() throws Exception {
    JsonNode trained = json(send("POST", TRAIN, body().toString()), 201);

    String runId = trained.get("run_id").asText();
    assertThat(trained.get("model").asText()).isEqualTo("species");
    assertThat(trained.get("version").asInt()).isEqualTo(1);
    assertThat(trained.get("source").asText()).isEqualTo("runs:/" + runId + "/model");
    assertThat(trained.get("metrics").get("accuracy").asDouble()).isBetween(0.8, 1.0);

    Run run = store.tracking().run(runId).orElseThrow();
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.params())
        .containsEntry("task", "multiclass")
        .containsEntry("label", "Species")
        .containsEntry("seed", "7")
        .containsEntry("split.validation", "0.2")
        .containsEntry("split.test", "0.2")
        .containsEntry("rounds", "30")
        .containsEntry("xgboost.max_depth", "3")
        .containsEntry("features", String.join(",", FEATURES));
    assertThat(
            Long.parseLong(run.params().get("train_rows"))
                + Long.parseLong(run.params().get("validation_rows"))
                + Long.parseLong(run.params().get("test_rows")))
        .isEqualTo(344);
    assertThat(run.latestMetrics().stream().map(Metric::key))
        .contains("accuracy", "f1_macro", "log_loss", "roc_auc");
    assertThat(run.latestMetrics().stream().filter(m -> m.key().equals("accuracy")))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.value()).isEqualTo(trained.get("metrics").get("accuracy").asDouble()));
    assertThat(run.tags())
        .containsEntry("mlflow.source.name", "tend train")
        .containsEntry(TrackingRepository.DATASET_TAG, "penguins@1")
        .containsEntry("tend.library.xgboost4j", "3.4.0");
    assertThat(run.inputs())
        .singleElement()
        .satisfies(
            input -> {
              assertThat(input.datasetVersionId())
                  .contains(trained.get("dataset_version_id").asText());
              assertThat(input.tags()).containsEntry("mlflow.data.context", "training");
            });
    assertThat(store.runArtifacts().files(runId).stream().map(ManifestEntry::path))
        .containsExactlyInAnyOrder(
            "model/MLmodel", "model/manifest.json", "model/model.ubj", "model/preprocessing.json");

    String modelId = store.registry().model(projectId(), "species").orElseThrow().id();
    ModelVersion version = store.registry().version(modelId, 1).orElseThrow();
    assertThat(version.runId()).contains(runId);
    assertThat(version.format()).isEqualTo(ModelFormat.XGBOOST);
    assertThat(version.datasetVersionId()).contains(trained.get("dataset_version_id").asText());
    assertThat(version.signature().inputs())
        .extracting(c -> c.name().orElseThrow() + ":" + c.type())
        .containsExactly(
            "Island:string",
            "Beak Length (mm):double",
            "Beak Depth (mm):double",
            "Flipper Length (mm):long");
    assertThat(version.signature().outputs()).isNotEmpty();
    assertThat(version.metrics())
        .containsEntry("accuracy", trained.get("metrics").get("accuracy").asDouble());
    assertThat(version.files()).extracting(ManifestEntry::path).contains("model.ubj", "MLmodel");

    JsonNode usedBy = json(send("GET", DATASET + "/versions/1/lineage", null), 200).get("used_by");
    assertThat(usedBy.findValuesAsText("id")).contains(runId, version.id());
    assertThat(usedBy.findValuesAsText("kind")).contains("run", "model_version");
    JsonNode runLineage = json(send("GET", "/api/v1/lineage/run/" + runId, null), 200);
    assertThat(runLineage.get("dataset_versions").findValuesAsText("dataset"))
        .containsExactly("penguins");
    JsonNode versionLineage =
        json(send("GET", "/api/v1/lineage/model_version/" + version.id(), null), 200);
    assertThat(versionLineage.get("dataset_versions").findValuesAsText("version"))
        .containsExactly("1");
  }

  @Test
  void trainingTwiceOnTheSameInputsGivesIdenticalPredictions() throws Exception {
    JsonNode first = json(send("POST", TRAIN, body().toString()), 201);
    JsonNode second = json(send("POST", TRAIN, body().toString()), 201);

    assertThat(second.get("version").asInt()).isEqualTo(2);
    assertThat(second.get("run_id").asText()).isNotEqualTo(first.get("run_id").asText());
    List<Map<String, Object>> rows =
        JSON.readValue(PENGUINS.toFile(), new com.fasterxml.jackson.core.type.TypeReference<>() {});
    try (Model a = load(first.get("run_id").asText(), dataDir.resolve("a"));
        Model b = load(second.get("run_id").asText(), dataDir.resolve("b"))) {
      List<Prediction> pa = a.predict(rows);
      List<Prediction> pb = b.predict(rows);
      assertThat(pa).hasSize(344).isEqualTo(pb);
    }
    assertThat(sha(first, "model/model.ubj")).isEqualTo(sha(second, "model/model.ubj"));
  }

  @Test
  void badInputIsA422ThatWritesNothing() throws Exception {
    ObjectNode unknownColumn = body();
    unknownColumn.putArray("features").add("Wingspan");
    ObjectNode unknownVersion = body().put("dataset", "penguins@9");
    ObjectNode badTask = body().put("task", "clustering");
    ObjectNode badSplit = body();
    badSplit.putObject("split").put("validation", 0.6).put("test", 0.6);
    ObjectNode noLabel = body();
    noLabel.remove("label");
    ObjectNode unknownField = body().put("epochs", 3);

    for (ObjectNode bad :
        List.of(unknownColumn, unknownVersion, badTask, badSplit, noLabel, unknownField)) {
      HttpResponse<String> response = send("POST", TRAIN, bad.toString());
      assertThat(response.statusCode()).as(bad + " -> " + response.body()).isEqualTo(422);
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith("application/problem+json");
    }
    assertThat(db.count("runs")).isZero();
    assertThat(db.count("registered_models")).isZero();
    assertThat(db.count("model_versions")).isZero();
  }

  @Test
  void aRunThatCannotBeCreatedLeavesNoModelBehind() throws Exception {
    long experiment =
        store
            .tracking()
            .ensureExperiment(projectId(), "models/zoo/species", java.util.List.of(), "test")
            .id();
    store.tracking().deleteExperiment(experiment, "test");

    HttpResponse<String> response = send("POST", TRAIN, body().toString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(db.count("runs")).isZero();
    assertThat(db.count("registered_models")).isZero();
    assertThat(db.count("model_versions")).isZero();
  }

  @Test
  void readersMayNotTrain() throws Exception {
    var principal = store.access().createPrincipal("viewer", false, "test");
    store.access().grant(projectId(), principal.id(), dev.tend.access.Role.VIEWER, "test");
    String token = store.access().createToken(principal.id(), "test", "test").plainText();
    HttpResponse<String> response =
        client.send(
            request(TRAIN, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body().toString()))
                .build(),
            BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(db.count("runs")).isZero();
  }

  private String sha(JsonNode trained, String path) {
    return store.runArtifacts().file(trained.get("run_id").asText(), path).orElseThrow().sha256();
  }

  private Model load(String runId, Path dir) throws Exception {
    List<ManifestEntry> files =
        store.runArtifacts().files(runId).stream()
            .filter(f -> f.path().startsWith("model/"))
            .map(f -> new ManifestEntry(f.path().substring(6), f.size(), f.sha256()))
            .toList();
    Files.createDirectories(dir);
    Manifests.materialize(store.artifacts(), new Manifest(files), dir);
    return Model.load(dir);
  }

  private String projectId() {
    return store.projects().findByName("zoo").orElseThrow().id();
  }

  private HttpRequest.Builder request(String path) {
    return request(path, admin);
  }

  private HttpRequest.Builder request(String path, String token) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path))
        .timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + token);
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

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
