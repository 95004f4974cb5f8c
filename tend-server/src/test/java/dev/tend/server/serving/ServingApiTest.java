package dev.tend.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.artifacts.Manifest;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.artifacts.Manifests;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
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
import dev.tend.store.TestDatabase;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
 * Deployments and predictions through real HTTP on a server with the real store (SQLite and
 * PostgreSQL) and XGBoost: a species model trained on the Palmer penguins data through the training
 * API, deployed, and asked about real rows.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class ServingApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PENGUINS = Path.of("../../shared/data/penguins.json");
  static final String PROJECT = "/api/v1/projects/zoo";
  static final List<String> FEATURES =
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)");

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  Engine engine;
  PredictionLog predictions;
  ServingApi serving;
  TendServer server;
  HttpClient client;
  String admin;
  JsonNode trained;
  List<Map<String, Object>> penguins;

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
            TrafficObserver.NONE,
            ServingApi.DEFAULT_REFRESH);
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
                new DeploymentsApi(
                    store.projects(),
                    store.registry(),
                    store.deployments(),
                    serving.servable(),
                    new RolloutMonitor(Clock.systemUTC()),
                    serving)));
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
    ObjectNode train = JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    FEATURES.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", 20).put("max_depth", 3);
    train.put("seed", 7);
    trained = json(send("POST", PROJECT + "/models/species/train", train.toString()), 201);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
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
  void aDeployedVersionPredictsOneRowAndABatchAsTheModelDoes() throws Exception {
    JsonNode deployed =
        json(
            send(
                "PUT",
                PROJECT + "/deployments/species-dev",
                "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\","
                    + " \"reason\": \"first\"}"),
            201);
    assertThat(deployed.get("revision").asInt()).isEqualTo(1);
    assertThat(deployed.at("/traffic/stable/percent").asInt()).isEqualTo(100);

    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i : new int[] {0, 100, 200, 300, 340}) {
      Map<String, Object> row = new LinkedHashMap<>();
      FEATURES.forEach(f -> row.put(f, penguins.get(i).get(f)));
      rows.add(row);
    }
    List<Prediction> expected;
    try (Model model = load(trained.get("run_id").asText(), dataDir.resolve("expected"))) {
      expected = model.predict(rows);
      ObjectNode single = JSON.createObjectNode().put("id", "p-1");
      single.set("inputs", JSON.valueToTree(rows.get(1)));
      JsonNode one =
          json(send("POST", "/api/v1/deployments/species-dev/predict", single.toString()), 200);
      assertThat(one.get("id").asText()).isEqualTo("p-1");
      assertThat(one.get("model").asText()).isEqualTo("species");
      assertThat(one.get("version").asText()).isEqualTo("1");
      assertSame(one.get("outputs"), expected.get(1), model.manifest().classes());

      ObjectNode batch = JSON.createObjectNode();
      batch.set("instances", JSON.valueToTree(rows));
      JsonNode many =
          json(send("POST", "/api/v1/deployments/species-dev/predict", batch.toString()), 200);
      ArrayNode predictions = (ArrayNode) many.get("predictions");
      assertThat(predictions).hasSize(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        assertThat(predictions.get(i).get("id").asText()).isNotBlank();
        assertSame(predictions.get(i).get("outputs"), expected.get(i), model.manifest().classes());
      }
      assertThat(predictions.findValuesAsText("id")).doesNotHaveDuplicates();
    }
    assertThat(
            dataDir.resolve("models").resolve(deployed.at("/traffic/stable/version_id").asText()))
        .isDirectory();
  }

  @Test
  void deploymentsAreListedAndRepointedWithTheirHistory() throws Exception {
    json(send("POST", PROJECT + "/models/species/train", trainAgain()), 201);
    json(
        send(
            "PUT",
            PROJECT + "/deployments/species",
            "{\"model\": \"species\", \"version\": 1, \"environment\": \"prod\"}"),
        201);
    JsonNode repointed =
        json(
            send(
                "PUT",
                PROJECT + "/deployments/species",
                "{\"model\": \"species\", \"version\": 2, \"environment\": \"prod\","
                    + " \"reason\": \"better\"}"),
            200);
    assertThat(repointed.get("revision").asInt()).isEqualTo(2);
    assertThat(repointed.get("version").asInt()).isEqualTo(2);

    JsonNode list = json(send("GET", "/api/v1/deployments", null), 200).get("items");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("name").asText()).isEqualTo("species");
    assertThat(list.get(0).get("project").asText()).isEqualTo("zoo");
    assertThat(list.get(0).get("environment").asText()).isEqualTo("prod");
    assertThat(list.get(0).get("model").asText()).isEqualTo("species");
    assertThat(list.get(0).get("version").asInt()).isEqualTo(2);
    assertThat(list.get(0).get("reason").asText()).isEqualTo("better");
    assertThat(store.deployments().history("species")).hasSize(2);

    HttpResponse<String> moved =
        send(
            "PUT",
            PROJECT + "/deployments/species",
            "{\"model\": \"species\", \"version\": 2, \"environment\": \"dev\"}");
    problem(moved, 409, "conflict");
    problem(
        send(
            "PUT",
            PROJECT + "/deployments/other",
            "{\"model\": \"species\", \"version\": 9, \"environment\": \"dev\"}"),
        422,
        "validation-failed");
    problem(
        send(
            "PUT",
            PROJECT + "/deployments/other",
            "{\"model\": \"species\", \"version\": 1, \"environment\": \"qa\"}"),
        422,
        "validation-failed");
    assertThat(store.deployments().get("other")).isEmpty();
  }

  @Test
  void badPredictionInputsAreRefusedNamingTheField() throws Exception {
    json(
        send(
            "PUT",
            PROJECT + "/deployments/species",
            "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\"}"),
        201);
    String url = "/api/v1/deployments/species/predict";
    String good =
        "\"Island\": \"Dream\", \"Beak Length (mm)\": 40.1, \"Beak Depth (mm)\": 18.0,"
            + " \"Flipper Length (mm)\": 190";

    JsonNode unknown =
        problem(
            send("POST", url, "{\"inputs\": {" + good + ", \"Wings\": 2}}"), 400, "unknown-field");
    assertThat(unknown.at("/errors/0/field").asText()).isEqualTo("/inputs/Wings");
    JsonNode wrong =
        problem(
            send(
                "POST",
                url,
                "{\"rows\": [{\"inputs\": {"
                    + good
                    + "}}, {\"inputs\": {"
                    + good.replace("40.1", "\"long\"")
                    + "}}]}"),
            400,
            "wrong-type");
    assertThat(wrong.at("/errors/0/field").asText()).isEqualTo("/rows/1/inputs/Beak Length (mm)");
    problem(
        send("POST", url, "{\"inputs\": {" + good.replace("40.1", "NaN") + "}}"),
        400,
        "malformed-json");
    problem(send("POST", url, "{\"inputs\": "), 400, "malformed-json");
    problem(send("POST", url, "{\"rows\": []}"), 400, "batch-size");
    problem(send("POST", url, "[1, 2]"), 400, "bad-envelope");
    problem(
        send("POST", "/api/v1/deployments/nothing/predict", "{\"inputs\": {}}"), 404, "not-found");
    HttpResponse<String> text =
        client.send(
            request(url)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\": {" + good + "}}"))
                .build(),
            BodyHandlers.ofString());
    problem(text, 415, "unsupported-media-type");
    json(send("POST", url, "{\"inputs\": {" + good + "}}"), 200);
  }

  private static void assertSame(JsonNode outputs, Prediction expected, List<String> classes) {
    assertThat(outputs.get("label").asText()).isEqualTo(expected.label().orElseThrow());
    double[] probabilities = expected.probabilities();
    for (int c = 0; c < classes.size(); c++) {
      assertThat(outputs.get("probability_" + classes.get(c)).asDouble())
          .isCloseTo(probabilities[c], within(1e-9));
    }
  }

  private String trainAgain() {
    ObjectNode train = JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    FEATURES.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", 10).put("max_depth", 2);
    train.put("seed", 8);
    return train.toString();
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
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    return problem;
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
