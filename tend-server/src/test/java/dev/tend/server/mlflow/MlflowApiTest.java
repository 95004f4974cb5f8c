package dev.tend.server.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.IssuedToken;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.projects.Project;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.mlflow.api.proto.Service.CreateExperiment;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.ExperimentTag;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The official MLflow Java client (2.17.2) against a started server on the real store, on SQLite
 * and PostgreSQL; raw HTTP for what the client lacks (OR filters, error bodies, log-inputs).
 */
@ParameterizedClass
@EnumSource(Engine.class)
class MlflowApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

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
            TendConfig.DEFAULT_MAX_REQUEST_BODY,
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
                new ProjectsApi(store.projects()),
                new MlflowApi(store.projects(), store.tracking())));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    client = client(admin);
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

  private MlflowClient client(String token) {
    return new MlflowClient(new BasicMlflowHostCreds(server.uri().toString(), token));
  }

  @Test
  void experimentsAreCreatedReadRenamedTaggedDeletedAndRestored() {
    String id = client.createExperiment("delays");

    Experiment experiment = client.getExperiment(id);
    assertThat(experiment.getName()).isEqualTo("delays");
    assertThat(experiment.getLifecycleStage()).isEqualTo("active");
    assertThat(experiment.getArtifactLocation()).isEqualTo("mlflow-artifacts:/" + id);
    assertThat(experiment.getCreationTime()).isPositive();
    assertThat(client.getExperimentByName("delays")).map(Experiment::getExperimentId).contains(id);
    assertThat(client.getExperimentByName("nope")).isEmpty();
    assertThat(client.getExperiment("0").getName()).isEqualTo("Default");

    client.renameExperiment(id, "delays-v2");
    client.setExperimentTag(id, "team", "ops");
    Experiment renamed = client.getExperiment(id);
    assertThat(renamed.getName()).isEqualTo("delays-v2");
    assertThat(renamed.getTagsList())
        .extracting(t -> t.getKey() + "=" + t.getValue())
        .containsExactly("team=ops");

    client.deleteExperiment(id);
    assertThat(client.getExperiment(id).getLifecycleStage()).isEqualTo("deleted");
    assertThat(client.searchExperiments().getItems())
        .extracting(Experiment::getName)
        .containsExactly("Default");
    assertThat(client.searchExperiments("", ViewType.DELETED_ONLY, 10, List.of()).getItems())
        .extracting(Experiment::getName)
        .containsExactly("delays-v2");
    client.restoreExperiment(id);
    assertThat(client.searchExperiments("name LIKE 'delays%'").getItems()).hasSize(1);
  }

  @Test
  void errorsCarryMlflowsCodesAndStatuses() throws Exception {
    client.createExperiment("taken");

    assertThatThrownBy(() -> client.createExperiment("taken"))
        .isInstanceOfSatisfying(
            MlflowHttpException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS");
            });
    assertThatThrownBy(() -> client.getExperiment("4242"))
        .isInstanceOfSatisfying(
            MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));

    HttpResponse<String> missing = get("/api/2.0/mlflow/runs/get?run_id=0123456789abcdef", admin);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(missing.body()))
        .isEqualTo(
            JSON.readTree(
                "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\","
                    + "\"message\":\"Run with id=0123456789abcdef not found\"}"));
    JsonNode noName = error(post("/api/2.0/mlflow/experiments/create", "{}", admin), 400);
    assertThat(noName.get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(noName.get("message").asText()).contains("'name'");
    JsonNode malformed =
        error(post("/api/2.0/mlflow/experiments/create", "{\"name\":", admin), 400);
    assertThat(malformed.get("error_code").asText()).isEqualTo("MALFORMED_REQUEST");
    assertThat(
            error(post("/api/2.0/mlflow/runs/create", "{}", null), 401).get("error_code").asText())
        .isEqualTo("UNAUTHENTICATED");
    assertThat(get("/ajax-api/2.0/mlflow/experiments/get?experiment_id=0", admin).statusCode())
        .as("the ajax alias")
        .isEqualTo(200);
  }

  @Test
  void runsLogMetricsParamsTagsAndBatchesAndReadThemBack() {
    String experimentId = client.createExperiment("training");
    RunInfo info =
        client.createRun(
            CreateRun.newBuilder()
                .setExperimentId(experimentId)
                .setRunName("first")
                .setStartTime(1_000)
                .addTags(RunTag.newBuilder().setKey("mlflow.source.type").setValue("LOCAL"))
                .build());
    String runId = info.getRunId();
    assertThat(info.getStatus()).isEqualTo(RunStatus.RUNNING);
    assertThat(info.getRunName()).isEqualTo("first");
    assertThat(info.getExperimentId()).isEqualTo(experimentId);
    assertThat(info.getStartTime()).isEqualTo(1_000);

    client.logParam(runId, "lr", "0.01");
    client.logMetric(runId, "loss", 0.9, 10, 0);
    client.logMetric(runId, "loss", 0.5, 20, 1);
    client.logMetric(runId, "weird", Double.NaN, 30, 0);
    client.logMetric(runId, "huge", Double.POSITIVE_INFINITY, 30, 0);
    client.setTag(runId, "model", "xgboost");
    client.setTag(runId, "drop", "me");
    client.deleteTag(runId, "drop");
    client.logBatch(
        runId,
        List.of(
            Metric.newBuilder().setKey("acc").setValue(0.8).setTimestamp(40).setStep(2).build()),
        List.of(Param.newBuilder().setKey("depth").setValue("6").build()),
        List.of(RunTag.newBuilder().setKey("stage").setValue("dev").build()));
    client.setTerminated(runId, RunStatus.FINISHED, 5_000);

    Run run = client.getRun(runId);
    assertThat(run.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.getInfo().getEndTime()).isEqualTo(5_000);
    assertThat(run.getData().getParamsList())
        .extracting(p -> p.getKey() + "=" + p.getValue())
        .containsExactly("depth=6", "lr=0.01");
    assertThat(run.getData().getTagsList())
        .extracting(RunTag::getKey)
        .contains("mlflow.runName", "mlflow.source.type", "model", "stage")
        .doesNotContain("drop");
    assertThat(run.getData().getMetricsList())
        .extracting(m -> m.getKey() + "=" + m.getValue() + "@" + m.getStep())
        .containsExactly("acc=0.8@2", "huge=Infinity@0", "loss=0.5@1", "weird=NaN@0");
    assertThat(client.getMetricHistory(runId, "loss"))
        .extracting(Metric::getValue)
        .containsExactly(0.9, 0.5);

    assertThatThrownBy(() -> client.logParam(runId, "lr", "0.1"))
        .isInstanceOfSatisfying(
            MlflowHttpException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getBodyMessage())
                  .contains("INVALID_PARAMETER_VALUE")
                  .contains("Changing param values is not allowed");
            });
    client.logParam(runId, "lr", "0.01");

    client.deleteRun(runId);
    assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("deleted");
    assertThatThrownBy(() -> client.logMetric(runId, "loss", 1))
        .hasMessageContaining("must be in the 'active' state");
    client.restoreRun(runId);
    assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("active");
  }

  @Test
  void runsAreSearchedWithFiltersOrderAndPages() {
    String experimentId = client.createExperiment("search");
    for (int i = 0; i < 12; i++) {
      String runId =
          client
              .createRun(
                  CreateRun.newBuilder()
                      .setExperimentId(experimentId)
                      .setRunName("r" + i)
                      .setStartTime(1000 + i)
                      .build())
              .getRunId();
      client.logBatch(
          runId,
          List.of(
              Metric.newBuilder().setKey("acc").setValue(i / 12.0).setTimestamp(1).build(),
              Metric.newBuilder()
                  .setKey("val loss")
                  .setValue(1 - i / 12.0)
                  .setTimestamp(1)
                  .build()),
          List.of(Param.newBuilder().setKey("lr").setValue(i % 2 == 0 ? "0.01" : "0.1").build()),
          List.of(RunTag.newBuilder().setKey("model").setValue(i < 6 ? "cnn" : "RNN").build()));
    }

    RunsPage page =
        client.searchRuns(
            List.of(experimentId),
            "metrics.acc > 0.5 and params.lr = '0.01'",
            ViewType.ACTIVE_ONLY,
            100,
            List.of("metrics.`val loss` ASC"));
    assertThat(names(page.getItems())).containsExactly("r10", "r8");

    List<String> all = new ArrayList<>();
    RunsPage first =
        client.searchRuns(
            List.of(experimentId), "", ViewType.ACTIVE_ONLY, 5, List.of("metrics.acc DESC"));
    all.addAll(names(first.getItems()));
    assertThat(first.hasNextPage()).isTrue();
    RunsPage next = (RunsPage) first.getNextPage();
    all.addAll(names(next.getItems()));
    all.addAll(names(((RunsPage) next.getNextPage()).getItems()));
    assertThat(all)
        .containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> "r" + (11 - i)).toList());

    assertThat(
            names(
                client
                    .searchRuns(
                        List.of(experimentId),
                        "tags.model ILIKE 'rnn' AND attributes.run_name = 'r7'",
                        ViewType.ACTIVE_ONLY,
                        10)
                    .getItems()))
        .containsExactly("r7");
    assertThatThrownBy(
            () ->
                client.searchRuns(
                    List.of(experimentId), "metrics.acc >> 1", ViewType.ACTIVE_ONLY, 10))
        .isInstanceOfSatisfying(
            MlflowHttpException.class,
            e ->
                assertThat(e.getBodyMessage())
                    .contains("INVALID_PARAMETER_VALUE")
                    .contains("at position 13"));
  }

  @Test
  void orFiltersAndParenthesesAreTendsExtensionOverRawHttp() throws Exception {
    String experimentId = client.createExperiment("or");
    for (String name : List.of("a", "b", "c")) {
      String runId =
          client
              .createRun(
                  CreateRun.newBuilder().setExperimentId(experimentId).setRunName(name).build())
              .getRunId();
      client.logParam(runId, "model", name.equals("a") ? "cnn" : "rnn");
      client.logMetric(runId, "acc", name.equals("c") ? 0.9 : 0.1);
    }
    String body =
        "{\"experiment_ids\": [\""
            + experimentId
            + "\"], \"filter\": \"(params.model = 'cnn' OR metrics.acc > 0.5) AND"
            + " attributes.status = 'RUNNING'\", \"order_by\": [\"attributes.run_name DESC\"]}";

    HttpResponse<String> response = post("/api/2.0/mlflow/runs/search", body, admin);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    JSON.readTree(response.body())
        .get("runs")
        .forEach(run -> names.add(run.at("/info/run_name").asText()));
    assertThat(names).containsExactly("c", "a");
    JsonNode run = JSON.readTree(response.body()).at("/runs/0/info");
    assertThat(run.get("start_time").isIntegralNumber()).as("int64 as a JSON number").isTrue();
    assertThat(run.get("experiment_id").isTextual()).as("ids as strings").isTrue();
  }

  @Test
  void projectRolesGateReadsAndWrites() throws Exception {
    Project flights = store.projects().create("flights", "", "admin");
    Principal viewer = store.access().createPrincipal("vera", false, "admin");
    store.access().grant(flights.id(), viewer.id(), Role.VIEWER, "admin");
    IssuedToken viewerToken = store.access().createToken(viewer.id(), "t", "admin");
    String experimentId =
        client.createExperiment(
            CreateExperiment.newBuilder()
                .setName("in-flights")
                .addTags(ExperimentTag.newBuilder().setKey("tend.project").setValue("flights"))
                .build());
    String runId =
        client.createRun(CreateRun.newBuilder().setExperimentId(experimentId).build()).getRunId();
    client.createExperiment("in-default");

    try (MlflowClient vera = client(viewerToken.plainText())) {
      assertThat(vera.getRun(runId).getInfo().getRunId()).isEqualTo(runId);
      assertThat(vera.searchExperiments().getItems())
          .extracting(Experiment::getName)
          .containsExactly("in-flights");
      assertThatThrownBy(() -> vera.logMetric(runId, "acc", 1))
          .isInstanceOfSatisfying(
              MlflowHttpException.class,
              e -> {
                assertThat(e.getStatusCode()).isEqualTo(403);
                assertThat(e.getBodyMessage()).contains("PERMISSION_DENIED");
              });
      assertThatThrownBy(() -> vera.getExperiment("0"))
          .isInstanceOfSatisfying(
              MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
      assertThatThrownBy(() -> vera.createExperiment("mine"))
          .isInstanceOfSatisfying(
              MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(403));
    }
    assertThat(
            error(post("/api/2.0/mlflow/runs/log-metric", "{}", "tend_bad_token"), 401)
                .get("error_code")
                .asText())
        .isEqualTo("UNAUTHENTICATED");
    assertThat(
            error(
                    post(
                        "/api/2.0/mlflow/experiments/create",
                        "{\"name\":\"x\",\"tags\":[{\"key\":\"tend.project\",\"value\":\"nope\"}]}",
                        admin),
                    404)
                .get("message")
                .asText())
        .contains("No Tend project named 'nope'");
  }

  @Test
  void oversizedBatchesAreRefusedWholeWithMlflowsMessage() throws Exception {
    String runId = client.createRun(client.createExperiment("batch")).getRunId();
    StringBuilder metrics = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      metrics
          .append(i == 0 ? "" : ",")
          .append("{\"key\":\"m\",\"value\":1,\"timestamp\":\"1\",\"step\":")
          .append(i)
          .append('}');
    }
    JsonNode tooMany =
        error(
            post(
                "/api/2.0/mlflow/runs/log-batch",
                "{\"run_id\":\"" + runId + "\",\"metrics\":[" + metrics + "]}",
                admin),
            400);
    assertThat(tooMany.get("message").asText()).contains("at most 1000 metrics");
    JsonNode badKey =
        error(
            post(
                "/api/2.0/mlflow/runs/log-batch",
                "{\"run_id\":\""
                    + runId
                    + "\",\"params\":[{\"key\":\"ok\",\"value\":\"1\"}],"
                    + "\"metrics\":[{\"key\":\"../x\",\"value\":1,\"timestamp\":1}]}",
                admin),
            400);
    assertThat(badKey.get("message").asText()).contains("Invalid metric name");
    assertThat(client.getRun(runId).getData().getParamsCount()).as("nothing half-written").isZero();
  }

  @Test
  void logInputsLinksARunToATendDatasetVersionSourceAndIgnoresOthers() throws Exception {
    String runId = client.createRun(client.createExperiment("inputs")).getRunId();
    HttpResponse<String> logged =
        post(
            "/api/2.0/mlflow/runs/log-inputs",
            "{\"run_id\":\""
                + runId
                + "\",\"datasets\":[{\"tags\":[{\"key\":\"mlflow.data.context\",\"value\":\"train\"}],"
                + "\"dataset\":{\"name\":\"iris\",\"digest\":\"abc123\",\"source_type\":\"local\","
                + "\"source\":\"/tmp/iris.csv\"}}]}",
            admin);
    assertThat(logged.statusCode()).as(logged.body()).isEqualTo(200);
    JsonNode run = JSON.readTree(get("/api/2.0/mlflow/runs/get?run_id=" + runId, admin).body());
    assertThat(run.at("/run/inputs/dataset_inputs/0/dataset/name").asText()).isEqualTo("iris");
    assertThat(run.at("/run/inputs/dataset_inputs/0/tags/0/value").asText()).isEqualTo("train");

    JsonNode unknown =
        error(
            post(
                "/api/2.0/mlflow/runs/log-inputs",
                "{\"run_id\":\""
                    + runId
                    + "\",\"datasets\":[{\"dataset\":{\"name\":\"t\",\"digest\":\"d\","
                    + "\"source_type\":\"tend\",\"source\":\"trips@1\"}}]}",
                admin),
            400);
    assertThat(unknown.get("message").asText()).contains("names no committed version");
  }

  private static List<String> names(List<Run> runs) {
    return runs.stream().map(r -> r.getInfo().getRunName()).toList();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private static JsonNode error(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return JSON.readTree(response.body());
  }
}
