package dev.tend.server.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.feedback.FeedbackRepository;
import dev.tend.projects.Project;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 * Feedback, external predictions and their join through real HTTP, with the real store (SQLite and
 * PostgreSQL) and a real prediction log, compacted to Parquet part of the way.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class FeedbackApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant PREDICTED =
      Instant.now().minus(Duration.ofDays(10)).truncatedTo(ChronoUnit.SECONDS);

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  PredictionLog log;
  FeedbackApi api;
  TendServer server;
  HttpClient client;
  String admin;
  String token;

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
    log =
        PredictionLog.open(
            dataDir.resolve("predictions"), PredictionLogOptions.defaults().withoutMaintenance());
    api = new FeedbackApi(store.projects(), FeedbackRepository.of(store.database()), log);
    server =
        TendServer.start(config, store.services(), List.of(new ProjectsApi(store.projects()), api));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    admin = store.bootstrap(Optional.empty()).orElseThrow().plainText();
    token = admin;
    json(send("POST", "/api/v1/projects", "{\"name\": \"shop\"}"), 201);
    json(send("POST", "/api/v1/projects", "{\"name\": \"other\"}"), 201);
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (log != null) {
      log.close();
    }
    if (store != null) {
      store.close();
    }
    if (db != null) {
      db.close();
    }
  }

  /* A regression's prediction logged by an application that serves its model itself. */
  ObjectNode prediction(String id, String deployment, Instant at, double value) {
    ObjectNode item =
        JSON.createObjectNode()
            .put("prediction_id", id)
            .put("deployment", deployment)
            .put("model", "basket")
            .put("model_version", 3)
            .put("timestamp", at.toString())
            .put("latency_millis", 2.5);
    item.putObject("inputs").put("visits", 4).put("plan", "gold");
    item.putObject("outputs").put("value", value);
    return item;
  }

  JsonNode logPredictions(String project, ObjectNode... items) throws Exception {
    return json(send("POST", "/api/v1/projects/" + project + "/predictions", batch(items)), 200);
  }

  static String batch(ObjectNode... items) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode array = body.putArray("items");
    for (ObjectNode item : items) {
      array.add(item);
    }
    return body.toString();
  }

  static ObjectNode feedback(String id, String name, Object value) {
    ObjectNode item = JSON.createObjectNode().put("prediction_id", id).put("name", name);
    item.set("value", JSON.valueToTree(value));
    return item;
  }

  HttpResponse<String> sendFeedback(ObjectNode... items) throws Exception {
    return send("POST", "/api/v1/feedback", batch(items));
  }

  List<String> results(HttpResponse<String> response) throws Exception {
    List<String> results = new ArrayList<>();
    json(response, 200).get("items").forEach(i -> results.add(i.get("result").asText()));
    return results;
  }

  JsonNode listed(String query) throws Exception {
    return json(
        send("GET", "/api/v1/projects/shop/deployments/basket-web/predictions?" + query, null),
        200);
  }

  @Test
  void externalPredictionsTakeLateLabelsAndOutcomesAndTheJoinReturnsExactlyThem() throws Exception {
    JsonNode logged =
        logPredictions(
            "shop",
            prediction("p1", "basket-web", PREDICTED, 12.0),
            prediction("p2", "basket-web", PREDICTED.plusSeconds(1), 30.5));
    assertThat(logged.get("prediction_ids").toString()).isEqualTo("[\"p1\",\"p2\"]");
    log.roll();
    assertThat(log.compact().records()).isEqualTo(2); // p1, p2 are in Parquet now
    ObjectNode unnamed = prediction("p3", "basket-web", PREDICTED.plusSeconds(2), 7.0);
    unnamed.remove("prediction_id");
    String p3 = logPredictions("shop", unnamed).get("prediction_ids").get(0).asText();
    logPredictions("shop", prediction("x1", "basket-app", PREDICTED, 1.0));

    Instant converted = PREDICTED.plus(Duration.ofHours(2));
    ObjectNode conversion =
        feedback("p1", "conversion", true).put("timestamp", converted.toString());
    assertThat(
            results(
                sendFeedback(
                    feedback("p1", "label", 11.5), // ten days after the prediction
                    conversion,
                    feedback("p1", "revenue", 11.50),
                    feedback(p3, "label", 7),
                    feedback("x1", "label", 1))))
        .containsExactly("created", "created", "created", "created", "created");

    JsonNode page = listed("with_feedback=true");
    assertThat(page.get("items")).hasSize(3);
    JsonNode first = page.get("items").get(0);
    assertThat(first.get("prediction_id").asText()).isEqualTo("p1");
    assertThat(first.get("environment").asText()).isEqualTo("external");
    assertThat(first.get("model_version").asText()).isEqualTo("3");
    assertThat(first.get("latency_millis").asDouble()).isEqualTo(2.5);
    assertThat(first.at("/inputs/plan").asText()).isEqualTo("gold");
    assertThat(first.at("/label/value").asDouble()).isEqualTo(11.5);
    assertThat(Instant.parse(first.at("/label/timestamp").asText()))
        .isAfter(PREDICTED.plus(Duration.ofDays(9)));
    assertThat(first.at("/outcomes/conversion/value").asBoolean()).isTrue();
    assertThat(first.at("/outcomes/conversion/timestamp").asText()).isEqualTo(converted.toString());
    assertThat(first.at("/outcomes/revenue/value").asText()).isEqualTo("11.5");
    assertThat(page.get("items").get(1).get("label").isNull()).isTrue();
    assertThat(page.get("items").get(1).get("outcomes")).isEmpty();
    assertThat(page.get("items").get(2).at("/label/value").asInt()).isEqualTo(7);
    assertThat(listed("").get("items").get(0).has("label")).isFalse();

    List<LabelledPrediction> joined =
        api.labelledPredictions().between("basket-web", PREDICTED, PREDICTED.plusSeconds(2), 100);
    assertThat(joined).extracting(l -> l.prediction().predictionId()).containsExactly("p1", "p2");
    assertThat(joined.get(0).label().orElseThrow().number()).hasValue(11.5);
    assertThat(joined.get(0).outcomes()).containsOnlyKeys("conversion", "revenue");
    assertThat(joined.get(1).label()).isEmpty();
  }

  @Test
  void reSendingIsUnchangedADifferentValueConflictsAndReplaceCorrects() throws Exception {
    logPredictions("shop", prediction("p1", "basket-web", PREDICTED, 12.0));
    ObjectNode label =
        feedback("p1", "label", 10).put("timestamp", PREDICTED.plus(Duration.ofDays(3)).toString());
    assertThat(results(sendFeedback(label))).containsExactly("created");
    assertThat(results(sendFeedback(label))).containsExactly("unchanged");
    ObjectNode sameNumber = label.deepCopy();
    sameNumber.put("value", 10.0);
    assertThat(results(sendFeedback(sameNumber))).containsExactly("unchanged");
    HttpResponse<String> single = send("POST", "/api/v1/feedback", label.toString());
    assertThat(results(single)).containsExactly("unchanged");

    ObjectNode different = label.deepCopy().put("value", 9);
    JsonNode conflict =
        problem(sendFeedback(feedback("p1", "revenue", 3), different), 409, "conflict");
    assertThat(conflict.at("/errors/0/field").asText()).isEqualTo("/items/1/value");
    assertThat(conflict.get("detail").asText()).contains("replace").contains("nothing");
    assertThat(listed("with_feedback=true").at("/items/0/outcomes")).isEmpty();

    ObjectNode untimed = feedback("p1", "revenue", 3);
    assertThat(results(sendFeedback(untimed))).containsExactly("created");
    assertThat(results(sendFeedback(untimed))).containsExactly("unchanged");

    different.put("replace", true);
    assertThat(results(sendFeedback(different))).containsExactly("replaced");
    JsonNode corrected = listed("with_feedback=true").at("/items/0/label");
    assertThat(corrected.get("value").asInt()).isEqualTo(9);
    assertThat(corrected.get("corrections").asInt()).isEqualTo(1);
  }

  @Test
  void aBadFifthItemOfTenStoresNothing() throws Exception {
    ObjectNode[] predictions = new ObjectNode[10];
    ObjectNode[] labels = new ObjectNode[10];
    for (int i = 0; i < 10; i++) {
      predictions[i] = prediction("p" + i, "basket-web", PREDICTED.plusSeconds(i), i);
      labels[i] = feedback("p" + i, "label", i);
    }
    logPredictions("shop", predictions);
    labels[5] = feedback("p5", "label", "five");

    JsonNode wrongType = problem(sendFeedback(labels), 422, "validation-failed");
    assertThat(wrongType.at("/errors/0/field").asText()).isEqualTo("/items/5/value");
    assertThat(wrongType.at("/errors/0/message").asText()).contains("regression");
    labels[5] = feedback("p5", "label", Map.of("a", 1));
    assertThat(
            problem(sendFeedback(labels), 422, "validation-failed").at("/errors/0/field").asText())
        .isEqualTo("/items/5/value");
    labels[5] = feedback("p5", "conversion", "yes");
    assertThat(
            problem(sendFeedback(labels), 422, "validation-failed")
                .at("/errors/0/message")
                .asText())
        .contains("conversion must be true or false");
    labels[5] = feedback("nope", "label", 5);
    JsonNode unknown = problem(sendFeedback(labels), 422, "unknown-prediction");
    assertThat(unknown.at("/errors/0/field").asText()).isEqualTo("/items/5/prediction_id");
    labels[5] = feedback("p5", "label", 5).put("timestamp", "yesterday");
    assertThat(
            problem(sendFeedback(labels), 422, "validation-failed").at("/errors/0/field").asText())
        .isEqualTo("/items/5/timestamp");

    for (JsonNode item : listed("with_feedback=true").get("items")) {
      assertThat(item.get("label").isNull()).as(item.toString()).isTrue();
    }
    labels[5] = feedback("p5", "label", 5);
    assertThat(results(sendFeedback(labels))).hasSize(10).containsOnly("created");
  }

  @Test
  void aClassifiersLabelMayBeAnyClass() throws Exception {
    ObjectNode item = prediction("c1", "basket-web", PREDICTED, 0);
    item.putObject("outputs").put("label", "stay").put("probability", 0.8);
    logPredictions("shop", item);
    assertThat(results(sendFeedback(feedback("c1", "label", "never-seen-class"))))
        .containsExactly("created");
  }

  private Project shop() {
    return store.projects().findByName("shop").orElseThrow();
  }

  @Test
  void otherProjectsCannotLabelReadOrClaimAProjectsPredictions() throws Exception {
    logPredictions("shop", prediction("p1", "basket-web", PREDICTED, 12.0));
    Project other = store.projects().findByName("other").orElseThrow();
    Principal bob = store.access().createPrincipal("bob", false, "admin");
    store.access().grant(other.id(), bob.id(), Role.EDITOR, "admin");
    token = store.access().createToken(bob.id(), "t", "admin").plainText();

    // Bob may not read shop: its predictions are unknown to him, exactly as ids that do not exist.
    JsonNode hidden = problem(sendFeedback(feedback("p1", "label", 1)), 422, "unknown-prediction");
    JsonNode absent =
        problem(sendFeedback(feedback("no-such", "label", 1)), 422, "unknown-prediction");
    assertThat(hidden.at("/errors/0/message").asText().replace("p1", "ID"))
        .isEqualTo(absent.at("/errors/0/message").asText().replace("no-such", "ID"));
    // A viewer of shop sees that the prediction exists but may not label it.
    store.access().grant(shop().id(), bob.id(), Role.VIEWER, "admin");
    problem(sendFeedback(feedback("p1", "label", 1)), 403, "forbidden");
    store.access().revokeRole(shop().id(), bob.id(), "admin");
    problem(
        send("GET", "/api/v1/projects/shop/deployments/basket-web/predictions", null),
        403,
        "forbidden");
    problem(
        send("GET", "/api/v1/projects/other/deployments/basket-web/predictions", null),
        404,
        "not-found");
    JsonNode taken =
        problem(
            send(
                "POST",
                "/api/v1/projects/other/predictions",
                batch(prediction("b1", "basket-web", PREDICTED, 1))),
            409,
            "conflict");
    assertThat(taken.at("/errors/0/field").asText()).isEqualTo("/items/0/deployment");
    token = admin;
    assertThat(listed("with_feedback=true").at("/items/0/label").isNull()).isTrue();
  }

  @Test
  void badExternalPredictionsAreRefusedNamingTheField() throws Exception {
    ObjectNode badName = prediction("b1", "basket web", PREDICTED, 1);
    ObjectNode noInputs = prediction("b2", "basket-web", PREDICTED, 1);
    noInputs.remove("inputs");
    ObjectNode extra = prediction("b3", "basket-web", PREDICTED, 1).put("colour", "red");
    JsonNode refused =
        problem(
            send(
                "POST",
                "/api/v1/projects/shop/predictions",
                batch(prediction("ok", "basket-web", PREDICTED, 1), badName, noInputs, extra)),
            422,
            "validation-failed");
    List<String> fields = new ArrayList<>();
    refused.get("errors").forEach(e -> fields.add(e.get("field").asText()));
    assertThat(fields).containsExactly("/items/1/deployment", "/items/2/inputs", "/items/3/colour");
    problem(
        send("GET", "/api/v1/projects/shop/deployments/basket-web/predictions", null),
        404,
        "not-found");
    problem(
        send("POST", "/api/v1/projects/shop/predictions", "{\"items\": []}"),
        422,
        "validation-failed");
    problem(
        send("POST", "/api/v1/projects/shop/predictions", "{\"items\": [}"),
        400,
        "malformed-request");
  }

  @Test
  void pagesOfPredictionsAtOneInstantHoldEachOnce() throws Exception {
    ObjectNode[] items = new ObjectNode[5];
    for (int i = 0; i < 5; i++) {
      items[i] = prediction("p" + i, "basket-web", PREDICTED, i);
    }
    logPredictions("shop", items);
    List<String> seen = new ArrayList<>();
    String query = "limit=2";
    while (true) {
      JsonNode page = listed(query);
      page.get("items").forEach(i -> seen.add(i.get("prediction_id").asText()));
      if (!page.has("next_cursor")) {
        break;
      }
      query = "limit=2&cursor=" + page.get("next_cursor").asText();
    }
    assertThat(seen).containsExactly("p0", "p1", "p2", "p3", "p4");
    assertThat(listed("from=" + PREDICTED.plusSeconds(1)).get("items")).isEmpty();
    problem(
        send("GET", "/api/v1/projects/shop/deployments/basket-web/predictions?from=now", null),
        422,
        "validation-failed");
  }

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
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

  static JsonNode problem(HttpResponse<String> response, int status, String code) throws Exception {
    JsonNode problem = json(response, status);
    assertThat(problem.get("code").asText()).as(response.body()).isEqualTo(code);
    return problem;
  }

  static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
