package dev.tend.server.deployments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.deployments.DeploymentEvent;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.feedback.FeedbackApi;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.server.serving.ServingApi;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rollouts judged by the controller from real traffic: predictions sent over HTTP to the real
 * serving path, which logs them and reports them to the rollout monitor, labels sent to the
 * feedback API, and {@link FeedbackRolloutQuality} reading the prediction log joined with that
 * feedback (SQLite and PostgreSQL). The monitor and controller run on a clock the test moves; the
 * log stamps records with the real time, so the quality tests use a window of whole hours that
 * holds the real time for the whole test and then move the clock past its end.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class RolloutFromTrafficTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PENGUINS = Path.of("../../shared/data/penguins.json");
  static final String PROJECT = "/api/v1/projects/zoo";
  static final String DEPLOYMENT = PROJECT + "/deployments/species";
  static final String PREDICT = "/api/v1/deployments/species/predict";
  static final List<String> FEATURES =
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)");

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  Engine engine;
  ServingApi serving;
  MutableClock clock = new MutableClock(Instant.now());
  RolloutMonitor monitor = new RolloutMonitor(clock);
  PredictionLog predictions;
  RolloutController controller;
  TendServer server;
  HttpClient client;
  String admin;
  List<JsonNode> penguins = new ArrayList<>();

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
            serving);
    FeedbackApi feedback =
        new FeedbackApi(store.projects(), FeedbackRepository.of(store.database()), predictions);
    controller =
        new RolloutController(
            store.deployments(),
            monitor,
            new FeedbackRolloutQuality(feedback.labelledPredictions(), store.registry()),
            deployments,
            clock);
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
                feedback));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    admin = store.bootstrap(Optional.empty()).orElseThrow().plainText();
    json(send("POST", "/api/v1/projects", "{\"name\": \"zoo\"}"), 201);
    json(send("PUT", PROJECT + "/datasets/penguins", null), 201);
    byte[] bytes = Files.readAllBytes(PENGUINS);
    JSON.readTree(bytes).forEach(penguins::add);
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
    /* 1: good; 2: one shallow round at a small learning rate, near uniform probabilities. */
    train(FEATURES, 30, 3, 0.3, 7);
    train(FEATURES, 1, 1, 0.05, 8);
    json(
        send(
            "PUT",
            DEPLOYMENT,
            "{\"model\": \"species\", \"version\": 1, \"environment\": \"prod\","
                + " \"reason\": \"first\"}"),
        201);
  }

  void train(List<String> features, int rounds, int depth, double eta, int seed) throws Exception {
    ObjectNode train = JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    features.forEach(train.putArray("features")::add);
    train
        .putObject("params")
        .put("rounds", rounds)
        .put("max_depth", depth)
        .put("learning_rate", eta);
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
  void aCanaryWhoseSignatureRefusesTheClientsRowsIsRolledBackFromRealTraffic() throws Exception {
    /* Version 3 does not know Island, which every client sends. */
    train(List.of("Beak Length (mm)", "Beak Depth (mm)"), 5, 2, 0.3, 9);
    syncClock();
    json(
        send(
            "POST",
            DEPLOYMENT + "/rollout",
            "{\"model\": \"species\", \"version\": 3, \"mode\": \"canary\", \"percent\": 50,"
                + " \"policy\": {\"window\": \"30s\", \"min_requests\": 5,"
                + " \"failed_windows\": 2, \"bake\": \"5m\"}}"),
        201);
    clock.advance(Duration.ofSeconds(30));

    for (int window = 0; window < 2; window++) {
      Map<Integer, Integer> statuses = new HashMap<>();
      for (int i = 0; i < 60; i++) {
        HttpResponse<String> answer = predict("w" + window + "-" + i, penguins.get(i * 5));
        statuses.merge(answer.statusCode(), 1, Integer::sum);
        if (answer.statusCode() == 400) {
          JsonNode problem = JSON.readTree(answer.body());
          assertThat(problem.get("code").asText()).isEqualTo("unknown-field");
          assertThat(problem.at("/errors/0/field").asText()).isEqualTo("/inputs/Island");
        } else {
          assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
          assertThat(answer.headers().firstValue("Tend-Model-Version")).contains("1");
        }
      }
      assertThat(statuses.getOrDefault(400, 0)).isGreaterThanOrEqualTo(5);
      assertThat(statuses.getOrDefault(200, 0)).isGreaterThanOrEqualTo(5);
      clock.advance(Duration.ofSeconds(30));
      JsonNode live = json(send("GET", DEPLOYMENT, null), 200);
      assertThat(live.at("/figures/1/role").asText()).isEqualTo("candidate");
      assertThat(live.at("/figures/1/last/errors").asInt())
          .isEqualTo(live.at("/figures/1/last/requests").asInt())
          .isEqualTo(statuses.get(400));
      assertThat(live.at("/figures/0/last/errors").asInt()).isZero();
      controller.tick();
    }

    JsonNode after = json(send("GET", DEPLOYMENT, null), 200);
    assertThat(after.at("/rollout/state").asText()).isEqualTo("none");
    assertThat(after.at("/deployment/traffic/candidate").isMissingNode()).isTrue();
    assertThat(after.at("/events/0/kind").asText()).isEqualTo("rolled-back");
    assertThat(after.at("/events/0/created_by").asText()).isEqualTo(DeploymentEvent.CONTROLLER);
    assertThat(after.at("/events/0/reason").asText())
        .contains("2 failing windows")
        .contains("candidate success rate 0.00% < 99.00%");
    /* The controller told the serving path: every request is the stable version's again. */
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> answer = predict("after-" + i, penguins.get(i));
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Tend-Model-Version")).contains("1");
    }
  }

  @Test
  void aCanaryWorseOnLabelledQualityIsRolledBackOnceFeedbackArrives() throws Exception {
    syncClock();
    Duration window = window(clock.instant());
    json(
        send(
            "POST",
            DEPLOYMENT + "/rollout",
            "{\"model\": \"species\", \"version\": 2, \"mode\": \"canary\", \"percent\": 50,"
                + " \"policy\": {\"window\": \""
                + window.toHours()
                + "h\", \"min_requests\": 10, \"failed_windows\": 1, \"bake\": \"1h\","
                + " \"quality_metric\": \"log_loss\", \"max_quality_drop\": 0.1}}"),
        201);
    Map<String, LogLoss> expected = traffic();
    assertThat(expected.get("2").mean()).isGreaterThan(expected.get("1").mean() + 0.1);
    System.err.println("DEBUG lookup " + predictions.lookup(java.util.Set.of("p-0", "p-1")));
    System.err.println(
        "DEBUG query " + predictions.query(dev.tend.serving.log.PredictionQuery.all(3)));
    labels();

    moveToTheEndOf(window);
    List<String> actions = controller.tick();

    assertThat(actions).hasSize(1);
    JsonNode after = json(send("GET", DEPLOYMENT, null), 200);
    assertThat(after.at("/rollout/state").asText()).isEqualTo("none");
    assertThat(after.at("/deployment/version").asInt()).isEqualTo(1);
    assertThat(after.at("/events/0/kind").asText()).isEqualTo("rolled-back");
    String reason = after.at("/events/0/reason").asText();
    assertThat(reason).contains("1 failing window").contains("candidate log_loss");
    /* The figures are those of the answers each version gave, over every labelled one. */
    Matcher worse =
        Pattern.compile("candidate log_loss (\\S+) is worse than stable (\\S+) by").matcher(reason);
    assertThat(worse.find()).as(reason).isTrue();
    assertThat(Double.parseDouble(worse.group(1)))
        .isCloseTo(expected.get("2").mean(), Offset.offset(1e-4));
    assertThat(Double.parseDouble(worse.group(2)))
        .isCloseTo(expected.get("1").mean(), Offset.offset(1e-4));
    assertThat(reason)
        .contains("over " + expected.get("2").count() + " labelled")
        .contains("over " + expected.get("1").count() + " labelled");
  }

  @Test
  void aGoodCandidateWithLabelsIsPromotedAfterItsBake() throws Exception {
    train(FEATURES, 30, 3, 0.3, 11);
    syncClock();
    Duration window = window(clock.instant());
    json(
        send(
            "POST",
            DEPLOYMENT + "/rollout",
            "{\"model\": \"species\", \"version\": 3, \"mode\": \"canary\", \"percent\": 50,"
                + " \"policy\": {\"window\": \""
                + window.toHours()
                + "h\", \"min_requests\": 10, \"failed_windows\": 1, \"bake\": \"0s\","
                + " \"quality_metric\": \"log_loss\", \"max_quality_drop\": 0.1}}"),
        201);
    Map<String, LogLoss> expected = traffic();
    labels();

    moveToTheEndOf(window);
    controller.tick();

    JsonNode after = json(send("GET", DEPLOYMENT, null), 200);
    assertThat(after.at("/rollout/state").asText()).isEqualTo("none");
    assertThat(after.at("/deployment/version").asInt()).isEqualTo(3);
    assertThat(after.at("/events/0/kind").asText()).isEqualTo("promoted");
    assertThat(after.at("/events/1/kind").asText()).isEqualTo("window-evaluated");
    String verdict = after.at("/events/1/reason").asText();
    assertThat(verdict).contains("candidate passed");
    Matcher figure =
        Pattern.compile("candidate log_loss (\\S+) over (\\d+) labelled").matcher(verdict);
    assertThat(figure.find()).as(verdict).isTrue();
    assertThat(Double.parseDouble(figure.group(1)))
        .isCloseTo(expected.get("3").mean(), Offset.offset(1e-4));
    assertThat(Integer.parseInt(figure.group(2))).isEqualTo(expected.get("3").count());
  }

  /* The monitor's clock at the real time the prediction log stamps records with. */
  private void syncClock() {
    clock.advance(Duration.between(clock.instant(), Instant.now()));
  }

  /* A window of whole hours that ends at least 15 minutes from now. */
  static Duration window(Instant now) {
    for (int hours = 1; hours <= 24; hours++) {
      long millis = Duration.ofHours(hours).toMillis();
      if (millis - now.toEpochMilli() % millis > Duration.ofMinutes(15).toMillis()) {
        return Duration.ofHours(hours);
      }
    }
    throw new AssertionError("no window fits " + now);
  }

  private void moveToTheEndOf(Duration window) {
    long millis = window.toMillis();
    long end = (clock.millis() / millis + 1) * millis;
    assertThat(Instant.now().toEpochMilli()).isLessThan(end);
    clock.advance(Duration.ofMillis(end - clock.millis() + 1000));
  }

  /* Each penguin once; the log loss of each version's answers, by version number. */
  private Map<String, LogLoss> traffic() throws Exception {
    Map<String, LogLoss> losses = new HashMap<>();
    for (int i = 0; i < penguins.size(); i++) {
      JsonNode row = penguins.get(i);
      if (FEATURES.stream().anyMatch(f -> row.get(f).isNull())) {
        continue;
      }
      HttpResponse<String> answer = predict("p-" + i, row);
      JsonNode body = json(answer, 200);
      double p = body.at("/outputs/probability_" + row.get("Species").asText()).asDouble();
      losses
          .computeIfAbsent(body.get("version").asText(), v -> new LogLoss())
          .add(-Math.log(Math.clamp(p, 1e-15, 1 - 1e-15)));
    }
    assertThat(losses).hasSize(2);
    return losses;
  }

  /* Every answered penguin's species, sent as feedback in one batch. */
  private void labels() throws Exception {
    ObjectNode batch = JSON.createObjectNode();
    ArrayNode items = batch.putArray("items");
    for (int i = 0; i < penguins.size(); i++) {
      JsonNode row = penguins.get(i);
      if (FEATURES.stream().noneMatch(f -> row.get(f).isNull())) {
        items.addObject().put("prediction_id", "p-" + i).put("value", row.get("Species").asText());
      }
    }
    JsonNode receipts = json(send("POST", "/api/v1/feedback", batch.toString()), 200);
    assertThat(receipts.get("items").findValuesAsText("result")).containsOnly("created");
  }

  static final class LogLoss {
    double sum;
    int count;

    void add(double loss) {
      sum += loss;
      count++;
    }

    double mean() {
      return sum / count;
    }

    int count() {
      return count;
    }
  }

  private HttpResponse<String> predict(String id, JsonNode penguin) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("id", id);
    ObjectNode inputs = body.putObject("inputs");
    FEATURES.forEach(f -> inputs.set(f, penguin.get(f)));
    return send("POST", PREDICT, body.toString());
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

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
