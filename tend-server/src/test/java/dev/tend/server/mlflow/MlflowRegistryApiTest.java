package dev.tend.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.IssuedToken;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.ManifestFile;
import dev.tend.datasets.PendingVersion;
import dev.tend.datasets.VersionContent;
import dev.tend.datasets.VersionStatus;
import dev.tend.datasets.VersionUsage;
import dev.tend.projects.Project;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.ModelVersionStatus;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The model registry and the artifact proxy through a started server on the real store, on SQLite
 * and PostgreSQL: the official MLflow Java client (2.17.2) for the calls it has, raw HTTP for the
 * rest (creating models and versions, aliases, deletes, artifact uploads).
 */
@ParameterizedClass
@EnumSource(Engine.class)
class MlflowRegistryApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long MAX_BODY = 1 << 20;
  static final String MLMODEL =
      "flavors:\n  xgboost:\n    data: model.xgb\nsignature:\n  inputs: '[{\"type\": \"double\","
          + " \"name\": \"distance\"}, {\"type\": \"string\", \"name\": \"origin\"}]'\n"
          + "  outputs: '[{\"type\": \"long\"}]'\n";

  @Parameter Engine engineKind;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  TendServer server;
  HttpClient http;
  String admin;
  MlflowClient client;

  @BeforeEach
  void start() {
    db = TestDatabase.create(engineKind);
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            MAX_BODY,
            Duration.ofSeconds(1),
            dataDir,
            db.url(),
            dataDir.resolve("artifacts"),
            false);
    store = StoreServices.open(config);
    admin = store.access().ensureBootstrapAdmin(Optional.empty()).orElseThrow().plainText();
    server =
        TendServer.start(
            config,
            store.services(),
            List.of(
                new MlflowApi(store.projects(), store.tracking()),
                new MlflowRegistryApi(store.projects(), store.registry()),
                new MlflowArtifactsApi(store.projects(), store.tracking(), store.runArtifacts())));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    client = new MlflowClient(new BasicMlflowHostCreds(server.uri().toString(), admin));
  }

  @AfterEach
  void stop() {
    try {
      if (client != null) {
        client.close();
      }
      if (http != null) {
        http.close();
      }
      if (server != null) {
        server.close();
      }
      if (store != null) {
        store.close();
      }
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  @Test
  void aModelLoggedThroughTheProxyIsRegisteredStagedAndReadWithTheOfficialClient()
      throws Exception {
    String experimentId = client.createExperiment("delays");
    String runId = client.createRun(experimentId).getRunId();
    client.logMetric(runId, "auc", 0.74);
    String root =
        "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/artifacts";
    assertThat(put(root + "/model/MLmodel", MLMODEL, admin).statusCode()).isEqualTo(200);
    assertThat(put(root + "/model/model.xgb", "weights", admin).statusCode()).isEqualTo(200);

    client.sendPost(
        "registered-models/create",
        "{\"name\":\"delays\",\"description\":\"late flights\","
            + "\"tags\":[{\"key\":\"team\",\"value\":\"ops\"}]}");
    JsonNode created =
        JSON.readTree(
            client.sendPost(
                "model-versions/create",
                "{\"name\":\"delays\",\"source\":\"runs:/"
                    + runId
                    + "/model\",\"run_id\":\""
                    + runId
                    + "\"}"));
    assertThat(created.at("/model_version/version").asText()).isEqualTo("1");
    assertThat(created.at("/model_version/tend_format").asText()).isEqualTo("xgboost");
    assertThat(created.at("/model_version/tend_signature/inputs/1/name").asText())
        .isEqualTo("origin");
    assertThat(created.at("/model_version/tend_metrics/auc").asDouble()).isEqualTo(0.74);
    assertThat(created.at("/model_version/tend_files/1/path").asText()).isEqualTo("model.xgb");
    client.sendPost(
        "model-versions/create",
        "{\"name\":\"delays\",\"source\":\"mlflow-artifacts:/"
            + experimentId
            + "/"
            + runId
            + "/artifacts/model\"}");

    ModelVersion first = client.getModelVersion("delays", "1");
    assertThat(first.getStatus()).isEqualTo(ModelVersionStatus.READY);
    assertThat(first.getRunId()).isEqualTo(runId);
    assertThat(first.getCurrentStage()).isEqualTo("None");
    assertThat(first.getSource()).isEqualTo("runs:/" + runId + "/model");
    assertThat(client.getModelVersionDownloadUri("delays", "1"))
        .isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts/model");

    client.sendPost(
        "model-versions/transition-stage",
        "{\"name\":\"delays\",\"version\":\"1\",\"stage\":\"production\","
            + "\"archive_existing_versions\":false}");
    client.sendPost(
        "model-versions/transition-stage",
        "{\"name\":\"delays\",\"version\":\"2\",\"stage\":\"Production\","
            + "\"archive_existing_versions\":true}");
    client.sendPatch(
        "model-versions/update", "{\"name\":\"delays\",\"version\":\"2\",\"description\":\"v2\"}");

    assertThat(client.getLatestVersions("delays"))
        .extracting(v -> v.getVersion() + "=" + v.getCurrentStage())
        .containsExactly("1=Archived", "2=Production");
    assertThat(client.getLatestVersions("delays", List.of("Production")))
        .extracting(ModelVersion::getDescription)
        .containsExactly("v2");
    RegisteredModel model = client.getRegisteredModel("delays");
    assertThat(model.getDescription()).isEqualTo("late flights");
    assertThat(model.getTagsList())
        .extracting(t -> t.getKey() + "=" + t.getValue())
        .containsExactly("team=ops");
    assertThat(model.getLatestVersionsCount()).isEqualTo(2);
    assertThat(client.searchModelVersions("name = 'delays'").getItems())
        .extracting(ModelVersion::getVersion)
        .containsExactly("2", "1");
    assertThat(client.searchModelVersions("run_id IN ('" + runId + "')").getItems()).hasSize(2);
  }

  @Test
  void aliasesTagsRenamesAndDeletesOverRawHttp() throws Exception {
    post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"m\"}", admin);
    for (int i = 0; i < 2; i++) {
      ok(
          post(
              "/api/2.0/mlflow/model-versions/create",
              "{\"name\":\"m\",\"source\":\"s3://b/m\"}",
              admin));
    }
    ok(
        post(
            "/api/2.0/mlflow/registered-models/alias",
            "{\"name\":\"m\",\"alias\":\"champion\",\"version\":\"2\"}",
            admin));
    ok(
        post(
            "/api/2.0/mlflow/model-versions/set-tag",
            "{\"name\":\"m\",\"version\":\"1\",\"key\":\"q\",\"value\":\"good\"}",
            admin));
    ok(
        post(
            "/api/2.0/mlflow/registered-models/set-tag",
            "{\"name\":\"m\",\"key\":\"team\",\"value\":\"ops\"}",
            admin));

    JsonNode byAlias =
        ok(get("/api/2.0/mlflow/registered-models/alias?name=m&alias=champion", admin));
    assertThat(byAlias.at("/model_version/version").asText()).isEqualTo("2");
    assertThat(byAlias.at("/model_version/aliases/0").asText()).isEqualTo("champion");
    JsonNode model = ok(get("/ajax-api/2.0/mlflow/registered-models/get?name=m", admin));
    assertThat(model.at("/registered_model/aliases/0/alias").asText()).isEqualTo("champion");
    assertThat(model.at("/registered_model/aliases/0/version").asText()).isEqualTo("2");
    assertThat(
            ok(get("/api/2.0/mlflow/model-versions/search?filter=tags.q%20%3D%20%27good%27", admin))
                .at("/model_versions/0/version")
                .asText())
        .isEqualTo("1");
    JsonNode search =
        ok(get("/api/2.0/mlflow/registered-models/search?filter=name%20LIKE%20%27m%25%27", admin));
    assertThat(search.at("/registered_models/0/name").asText()).isEqualTo("m");

    ok(
        send(
            "DELETE",
            "/api/2.0/mlflow/registered-models/alias",
            "{\"name\":\"m\",\"alias\":\"champion\"}",
            admin));
    error(
        get("/api/2.0/mlflow/registered-models/alias?name=m&alias=champion", admin),
        404,
        "RESOURCE_DOES_NOT_EXIST");
    ok(
        send(
            "DELETE",
            "/api/2.0/mlflow/model-versions/delete-tag",
            "{\"name\":\"m\",\"version\":\"1\",\"key\":\"q\"}",
            admin));
    ok(
        send(
            "DELETE",
            "/api/2.0/mlflow/registered-models/delete-tag",
            "{\"name\":\"m\",\"key\":\"team\"}",
            admin));
    ok(
        send(
            "DELETE",
            "/api/2.0/mlflow/model-versions/delete",
            "{\"name\":\"m\",\"version\":\"1\"}",
            admin));
    error(
        get("/api/2.0/mlflow/model-versions/get?name=m&version=1", admin),
        404,
        "RESOURCE_DOES_NOT_EXIST");
    ok(
        post(
            "/api/2.0/mlflow/registered-models/rename",
            "{\"name\":\"m\",\"new_name\":\"m2\"}",
            admin));
    assertThat(
            ok(get("/api/2.0/mlflow/model-versions/get?name=m2&version=2", admin))
                .at("/model_version/name")
                .asText())
        .isEqualTo("m2");
    ok(send("DELETE", "/api/2.0/mlflow/registered-models/delete", "{\"name\":\"m2\"}", admin));
    error(
        get("/api/2.0/mlflow/registered-models/get?name=m2", admin),
        404,
        "RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void badInputGetsMlflowsErrorsAndChangesNothing() throws Exception {
    post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"m\"}", admin);
    post(
        "/api/2.0/mlflow/model-versions/create", "{\"name\":\"m\",\"source\":\"s3://b/m\"}", admin);

    assertThatThrownBy(() -> client.getRegisteredModel("nope"))
        .isInstanceOfSatisfying(
            MlflowHttpException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(404);
              assertThat(e.getBodyMessage()).contains("RESOURCE_DOES_NOT_EXIST");
            });
    assertThatThrownBy(() -> client.getModelVersion("m", "7"))
        .isInstanceOfSatisfying(
            MlflowHttpException.class,
            e ->
                assertThat(e.getBodyMessage())
                    .contains("Model Version (name=m, version=7) not found"));
    assertThat(
            error(
                    post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"m\"}", admin),
                    400,
                    "RESOURCE_ALREADY_EXISTS")
                .get("message")
                .asText())
        .isEqualTo("Registered Model (name=m) already exists.");
    assertThat(
            error(
                    post(
                        "/api/2.0/mlflow/model-versions/transition-stage",
                        "{\"name\":\"m\",\"version\":\"1\",\"stage\":\"Prod\",\"archive_existing_versions\":false}",
                        admin),
                    400,
                    "INVALID_PARAMETER_VALUE")
                .get("message")
                .asText())
        .contains("Invalid Model Version stage: Prod");
    error(
        get("/api/2.0/mlflow/model-versions/get?name=m&version=abc", admin),
        400,
        "INVALID_PARAMETER_VALUE");
    assertThat(
            error(
                    get(
                        "/api/2.0/mlflow/registered-models/search?filter=name%20%3D%3D%20%27m%27",
                        admin),
                    400,
                    "INVALID_PARAMETER_VALUE")
                .get("message")
                .asText())
        .contains("at position 6");
    error(
        post(
            "/api/2.0/mlflow/model-versions/create",
            "{\"name\":\"m\",\"source\":\"runs:/0123456789abcdef0123456789abcdef/model\"}",
            admin),
        404,
        "RESOURCE_DOES_NOT_EXIST");
    error(
        post(
            "/api/2.0/mlflow/registered-models/alias",
            "{\"name\":\"m\",\"alias\":\"latest\",\"version\":\"1\"}",
            admin),
        400,
        "INVALID_PARAMETER_VALUE");
    error(
        post("/api/2.0/mlflow/model-versions/create", "{\"name\":\"m\"}", admin),
        400,
        "INVALID_PARAMETER_VALUE");
    assertThat(client.searchModelVersions("name = 'm'").getItems())
        .as("nothing half-written")
        .hasSize(1);

    Project flights = store.projects().create("flights", "", "admin");
    Principal viewer = store.access().createPrincipal("vera", false, "admin");
    store.access().grant(flights.id(), viewer.id(), Role.VIEWER, "admin");
    IssuedToken token = store.access().createToken(viewer.id(), "t", "admin");
    post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"flights/delays\"}", admin);
    post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"delays\"}", admin);
    error(
        get("/api/2.0/mlflow/registered-models/get?name=delays", admin),
        400,
        "INVALID_PARAMETER_VALUE");
    assertThat(
            ok(get("/api/2.0/mlflow/registered-models/get?name=flights/delays", token.plainText()))
                .at("/registered_model/tend_project")
                .asText())
        .isEqualTo("flights");
    error(
        post(
            "/api/2.0/mlflow/model-versions/create",
            "{\"name\":\"flights/delays\",\"source\":\"s3://x\"}",
            token.plainText()),
        403,
        "PERMISSION_DENIED");
    assertThat(
            ok(get("/api/2.0/mlflow/registered-models/search", token.plainText()))
                .get("registered_models"))
        .extracting(n -> n.get("name").asText())
        .containsExactly("delays");
    error(get("/api/2.0/mlflow/registered-models/get?name=m", null), 401, "UNAUTHENTICATED");
  }

  @Test
  void theArtifactProxyStreamsListsAndDeletesFilesAndRefusesPathsOutsideTheRun() throws Exception {
    String experimentId = client.createExperiment("artifacts");
    String runId = client.createRun(experimentId).getRunId();
    String root =
        "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/artifacts";
    byte[] big = new byte[300_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    ok(putBytes(root + "/data/big.bin", big, admin));
    ok(put(root + "/data/notes.txt", "hello", admin));
    ok(put(root + "/top.txt", "top", admin));

    HttpResponse<byte[]> download =
        http.send(request(root + "/data/big.bin", admin).GET().build(), BodyHandlers.ofByteArray());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(big);
    assertThat(download.headers().firstValue("Content-Length")).contains("300000");
    JsonNode listing =
        ok(
            get(
                "/api/2.0/mlflow-artifacts/artifacts?path="
                    + experimentId
                    + "/"
                    + runId
                    + "/artifacts/data",
                admin));
    assertThat(listing.get("files"))
        .extracting(
            f ->
                f.get("path").asText()
                    + ":"
                    + f.get("is_dir").asBoolean()
                    + ":"
                    + f.path("file_size").asLong())
        .containsExactly("big.bin:false:300000", "notes.txt:false:5");
    JsonNode runListing = ok(get("/api/2.0/mlflow/artifacts/list?run_id=" + runId, admin));
    assertThat(runListing.get("root_uri").asText())
        .isEqualTo("mlflow-artifacts:/" + experimentId + "/" + runId + "/artifacts");
    assertThat(runListing.get("files"))
        .extracting(f -> f.get("path").asText() + ":" + f.get("is_dir").asBoolean())
        .containsExactly("data:true", "top.txt:false");
    assertThat(client.getRun(runId).getInfo().getArtifactUri())
        .isEqualTo(runListing.get("root_uri").asText());

    List<Integer> refused = new ArrayList<>();
    for (String bad :
        List.of(
            root + "/../../../etc/passwd",
            root + "/%2e%2e/%2e%2e/x",
            root + "/a%00b",
            root + "/%2Fetc%2Fpasswd",
            "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/other/x")) {
      HttpResponse<String> response;
      // Jetty closes the connection after refusing some URIs itself: use one per request.
      try (HttpClient once = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        response =
            once.send(
                HttpRequest.newBuilder(URI.create(server.uri() + bad))
                    .header("Authorization", "Bearer " + admin)
                    .PUT(BodyPublishers.ofString("evil"))
                    .build(),
                BodyHandlers.ofString());
      }
      refused.add(response.statusCode());
      assertThat(response.body()).as(bad).doesNotContain("Exception").doesNotContain("\tat ");
    }
    assertThat(refused).allSatisfy(status -> assertThat(status).isBetween(400, 404));
    error(
        get(
            "/api/2.0/mlflow-artifacts/artifacts?path="
                + experimentId
                + "/"
                + runId
                + "/artifacts/..",
            admin),
        400,
        "INVALID_PARAMETER_VALUE");
    HttpResponse<String> tooLarge =
        putBytes(root + "/huge.bin", new byte[(int) MAX_BODY + 1], admin);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(store.runArtifacts().files(runId))
        .as("nothing half-written")
        .extracting(f -> f.path())
        .containsExactly("data/big.bin", "data/notes.txt", "top.txt");

    ok(send("DELETE", root + "/data", "", admin));
    assertThat(store.runArtifacts().files(runId))
        .extracting(f -> f.path())
        .containsExactly("top.txt");
    error(get(root + "/data/notes.txt", admin), 404, "RESOURCE_DOES_NOT_EXIST");
    error(put(root + "/x.txt", "x", null), 401, "UNAUTHENTICATED");
  }

  @Test
  void aRegisteredVersionLinksToTheDatasetVersionItsRunTrainedOn() throws Exception {
    Project project = store.projects().findByName("default").orElseThrow();
    Dataset trips = store.datasets().create(project.id(), "trips", "admin");
    PendingVersion pending = store.datasets().reserveVersion(trips.id(), "upload", "admin");
    DatasetVersion january =
        store
            .datasets()
            .commitVersion(
                pending.id(),
                VersionStatus.ACCEPTED,
                new VersionContent(
                    List.of(new ManifestFile("a.csv", 1, "0".repeat(64))),
                    1,
                    1,
                    "{}",
                    "p".getBytes(StandardCharsets.UTF_8),
                    "{}"),
                "admin");
    String experimentId = client.createExperiment("lineage");
    String runId =
        client
            .createRun(
                CreateRun.newBuilder()
                    .setExperimentId(experimentId)
                    .addTags(RunTag.newBuilder().setKey("tend.dataset").setValue("trips@1"))
                    .build())
            .getRunId();
    ok(
        put(
            "/api/2.0/mlflow-artifacts/artifacts/"
                + experimentId
                + "/"
                + runId
                + "/artifacts/model/model.onnx",
            "onnx",
            admin));
    post("/api/2.0/mlflow/registered-models/create", "{\"name\":\"delays\"}", admin);

    JsonNode version =
        ok(
            post(
                "/api/2.0/mlflow/model-versions/create",
                "{\"name\":\"delays\",\"source\":\"runs:/" + runId + "/model\"}",
                admin));

    assertThat(version.at("/model_version/tend_format").asText()).isEqualTo("onnx");
    assertThat(version.at("/model_version/tend_training_dataset_version_id").asText())
        .isEqualTo(january.id());
    assertThat(store.datasets().usages(january.id()))
        .extracting(VersionUsage::usedByKind)
        .containsExactlyInAnyOrder("run", "model_version");
    JsonNode failed =
        ok(
            post(
                "/api/2.0/mlflow/model-versions/create",
                "{\"name\":\"delays\",\"source\":\"runs:/" + runId + "/nothing\"}",
                admin));
    assertThat(failed.at("/model_version/status").asText()).isEqualTo("FAILED_REGISTRATION");
    assertThat(failed.at("/model_version/status_message").asText()).contains("no artifacts");
  }

  private JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode error(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("error_code").asText()).isEqualTo(code);
    return body;
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    return http.send(request(path, token).GET().build(), BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String token) throws Exception {
    return send("POST", path, body, token);
  }

  private HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    return http.send(
        request(path, token)
            .header("Content-Type", "application/json")
            .method(method, BodyPublishers.ofString(body))
            .build(),
        BodyHandlers.ofString());
  }

  private HttpResponse<String> put(String path, String body, String token) throws Exception {
    return putBytes(path, body.getBytes(StandardCharsets.UTF_8), token);
  }

  private HttpResponse<String> putBytes(String path, byte[] body, String token) throws Exception {
    return http.send(
        request(path, token).PUT(BodyPublishers.ofByteArray(body)).build(),
        BodyHandlers.ofString());
  }
}
