package dev.tend.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.LocalServer;
import dev.tend.server.config.TendConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real Tend server started in-process: a penguin species model trained from
 * the shared data and deployed to {@code species-dev}.
 */
class TendClientServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PENGUINS = Path.of("../../shared/data/penguins.json");
  static final List<String> FEATURES =
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)");

  @TempDir static Path dir;
  static LocalServer server;
  static String admin;
  static List<Map<String, Object>> penguins;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    TendConfig defaults = TendConfig.forDataDir(dir);
    server =
        LocalServer.start(
            new TendConfig(
                0,
                TendConfig.DEFAULT_BIND,
                TendConfig.DEFAULT_MAX_REQUEST_BODY,
                Duration.ofSeconds(1),
                dir,
                defaults.metadataUrl(),
                defaults.artifactsDir(),
                false),
            Optional.empty());
    admin = server.bootstrap().orElseThrow().plainText();
    http = HttpClient.newHttpClient();
    send("POST", "/api/v1/projects", "{\"name\": \"zoo\"}");
    send("PUT", "/api/v1/projects/zoo/datasets/penguins", null);
    byte[] bytes = Files.readAllBytes(PENGUINS);
    penguins = JSON.readValue(bytes, new TypeReference<>() {});
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    HttpResponse<String> blob =
        http.send(
            authorized("/api/v1/blobs/" + sha)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(blob.statusCode()).isIn(200, 201);
    ObjectNode version = JSON.createObjectNode();
    version
        .putArray("files")
        .addObject()
        .put("path", "penguins.json")
        .put("size", bytes.length)
        .put("sha256", sha);
    send("POST", "/api/v1/projects/zoo/datasets/penguins/versions", version.toString());
    ObjectNode train = JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    FEATURES.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", 10).put("max_depth", 3);
    train.put("seed", 7);
    send("POST", "/api/v1/projects/zoo/models/species/train", train.toString());
    send(
        "PUT",
        "/api/v1/projects/zoo/deployments/species-dev",
        "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\"}");
  }

  @AfterAll
  static void stop() {
    if (http != null) {
      http.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(server.uri().resolve(path))
        .header("Authorization", "Bearer " + admin);
  }

  static JsonNode send(String method, String path, String body) throws Exception {
    HttpResponse<String> response =
        http.send(
            authorized(path)
                .header("Content-Type", "application/json")
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as(method + " " + path + ": " + response.body())
        .isBetween(200, 299);
    return JSON.readTree(response.body());
  }

  static Map<String, Object> row(int i) {
    Map<String, Object> row = new LinkedHashMap<>();
    FEATURES.forEach(f -> row.put(f, penguins.get(i).get(f)));
    return row;
  }

  TendClient client() {
    return TendClient.builder(server.uri()).token(admin).build();
  }

  @Test
  void aBatchIsAnsweredInOrderWithTheApplicationsIdsKeptAndTheOthersGenerated() throws Exception {
    List<PredictRow> rows = new ArrayList<>();
    rows.add(PredictRow.withId("order-17", row(0)));
    rows.add(PredictRow.of(row(200)));
    rows.add(PredictRow.of(row(300)));
    try (TendClient client = client()) {
      Predictions answer = client.predict("species-dev", rows);
      assertThat(answer.model()).isEqualTo("species");
      assertThat(answer.version()).isEqualTo("1");
      assertThat(answer.rows()).hasSize(3);
      assertThat(answer.rows().get(0).id()).isEqualTo("order-17");
      assertThat(answer.rows().get(1).id())
          .matches("[0-9a-f-]{36}")
          .isNotEqualTo(answer.rows().get(2).id());
      // Each row answers as it does alone, through the server's own single-row form.
      for (int i = 0; i < 3; i++) {
        ObjectNode single = JSON.createObjectNode();
        single.set("inputs", JSON.valueToTree(rows.get(i).inputs()));
        JsonNode alone = send("POST", "/api/v1/deployments/species-dev/predict", single.toString());
        JsonNode outputs = JSON.valueToTree(answer.rows().get(i).outputs());
        assertThat(outputs).isEqualTo(alone.get("outputs"));
      }
      assertThat(answer.rows().get(0).outputs().get("label"))
          .isEqualTo(penguins.get(0).get("Species"));
    }
  }

  @Test
  void badRowsAreRefusedNamingTheField() {
    Map<String, Object> wrong = new LinkedHashMap<>(row(0));
    wrong.put("Beak Length (mm)", "long");
    Map<String, Object> nan = new LinkedHashMap<>(row(0));
    nan.put("Beak Depth (mm)", Double.NaN);
    try (TendClient client = client()) {
      assertThatThrownBy(() -> client.predict("species-dev", wrong))
          .isInstanceOfSatisfying(
              TendApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.errors())
                    .extracting(TendApiException.FieldProblem::field)
                    .containsExactly("/rows/0/inputs/Beak Length (mm)");
              });
      // NaN goes out as the protocol's string and is refused: the model does not allow it.
      assertThatThrownBy(() -> client.predict("species-dev", nan))
          .isInstanceOfSatisfying(
              TendApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.detail()).contains("Beak Depth (mm)");
              });
      assertThatThrownBy(() -> client.predict("nope", row(0)))
          .isInstanceOfSatisfying(
              TendApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.code()).isEqualTo("not-found");
              });
    }
  }

  @Test
  void aWrongTokenIsRefusedNotRetried() {
    try (TendClient client =
        TendClient.builder(server.uri()).token("tend_wrong").maxAttempts(3).build()) {
      assertThatThrownBy(() -> client.predict("species-dev", row(0)))
          .isInstanceOfSatisfying(
              TendApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    }
  }

  @Test
  void aDeploymentNameIsOneSafePathSegment() {
    try (TendClient client = client()) {
      assertThatThrownBy(() -> client.predict("../projects", row(0)))
          .isInstanceOfSatisfying(
              TendApiException.class,
              e -> {
                // The server saw one (invalid) name, not a path climbing out of /deployments.
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.code()).isEqualTo("validation-failed");
              });
    }
    assertThat(URI.create("http://h/" + TendClient.segment("a b/c")).getPath()).isEqualTo("/a b/c");
    assertThat(TendClient.segment("a b/c")).isEqualTo("a%20b%2Fc");
  }

  @Test
  void feedbackOnServedPredictionsIsStoredOnceWhateverTheRetries() throws Exception {
    try (TendClient client = client()) {
      Predictions answer =
          client.predict("species-dev", List.of(PredictRow.of(row(0)), PredictRow.of(row(300))));
      String first = answer.rows().get(0).id();
      String second = answer.rows().get(1).id();
      Instant happened = Instant.parse("2026-11-20T10:00:00Z");
      List<Feedback.Receipt> receipts =
          client.sendFeedback(
              List.of(
                  Feedback.label(first, penguins.get(0).get("Species")).at(happened),
                  Feedback.outcome(second, "conversion", true),
                  Feedback.outcome(second, "revenue", 12.5)));
      assertThat(receipts)
          .extracting(Feedback.Receipt::result)
          .containsExactly("created", "created", "created");
      // Sent again, as a retry would: nothing changes.
      assertThat(
              client.sendFeedback(
                  List.of(Feedback.label(first, penguins.get(0).get("Species")).at(happened))))
          .extracting(Feedback.Receipt::result)
          .containsExactly("unchanged");
      // A different label is refused unless it is a correction.
      assertThatThrownBy(() -> client.sendFeedback(List.of(Feedback.label(first, "Gentoo"))))
          .isInstanceOfSatisfying(
              TendApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.errors())
                    .extracting(TendApiException.FieldProblem::field)
                    .containsExactly("/items/0/value");
              });
      assertThat(client.sendFeedback(List.of(Feedback.label(first, "Gentoo").replacing())))
          .extracting(Feedback.Receipt::result)
          .containsExactly("replaced");
      // The server joined it to the prediction.
      JsonNode listed =
          send(
              "GET",
              "/api/v1/projects/zoo/deployments/species-dev/predictions?with_feedback=true&limit=500",
              null);
      JsonNode mine = null;
      for (JsonNode item : listed.path("items")) {
        if (item.path("prediction_id").asText().equals(first)) {
          mine = item;
        }
      }
      assertThat(mine).as(listed.toString()).isNotNull();
      assertThat(mine.path("label").path("value").asText()).isEqualTo("Gentoo");
      // An id the log never saw names the item.
      assertThatThrownBy(() -> client.sendFeedback(List.of(Feedback.label("no-such-id", "Adelie"))))
          .isInstanceOfSatisfying(
              TendApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(422);
                assertThat(e.code()).isEqualTo("unknown-prediction");
              });
    }
  }

  @Test
  void predictionsMadeElsewhereAreLoggedThenTakeFeedback() throws Exception {
    try (TendClient client = client()) {
      List<String> ids =
          client.logPredictions(
              "zoo",
              List.of(
                  ExternalPrediction.of(
                          "basket-web", "basket", "7", Map.of("visits", 4), Map.of("value", 23.4))
                      .withId("order-81723")
                      .answeredAt(Instant.parse("2026-11-20T10:15:30Z"), Duration.ofMillis(3)),
                  ExternalPrediction.of(
                          "basket-web", "basket", "7", Map.of("visits", 1), Map.of("value", 2.0))
                      .inEnvironment("prod")));
      assertThat(ids).hasSize(2);
      assertThat(ids.get(0)).isEqualTo("order-81723");
      assertThat(ids.get(1)).matches("[0-9a-f-]{36}");
      assertThat(client.sendFeedback(List.of(Feedback.label("order-81723", 25.0))))
          .extracting(Feedback.Receipt::result)
          .containsExactly("created");
      // A regression's label must be a number.
      assertThatThrownBy(() -> client.sendFeedback(List.of(Feedback.label(ids.get(1), "many"))))
          .isInstanceOfSatisfying(
              TendApiException.class, e -> assertThat(e.status()).isEqualTo(422));
      assertThatThrownBy(
              () ->
                  client.logPredictions(
                      "zoo",
                      List.of(
                              ExternalPrediction.of(
                                  "basket-web", "basket", "7", Map.of("visits", 4), Map.of()))
                          .stream()
                          .map(p -> p.withId(" "))
                          .toList()))
          .isInstanceOfSatisfying(
              TendApiException.class,
              e -> assertThat(e.errors().get(0).field()).startsWith("/items/0/"));
    }
  }
}
