package dev.tend.server.serving;

import static dev.tend.server.serving.ServingFixture.FEATURES;
import static dev.tend.server.serving.ServingFixture.JSON;
import static dev.tend.server.serving.ServingFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.deployments.RolloutMode;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.serving.log.PredictionRecord;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * MLflow's scoring protocol and the Open Inference Protocol (KServe V2) through real HTTP: every
 * input shape answers exactly what Tend's own predict answers for the same rows, ids are echoed and
 * logged, and errors come in each protocol's own shape.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class CompatibleRoutesTest {
  static final int[] ROWS = {0, 60, 150, 250, 330};

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  ServingFixture f;
  List<Map<String, Object>> rows;
  List<JsonNode> expected;

  @BeforeEach
  void start() throws Exception {
    f =
        new ServingFixture(
            database, dataDir, PredictionLogOptions.defaults(), TrafficObserver.NONE);
    f.deploy("species", 1);
    rows = Arrays.stream(ROWS).mapToObj(f::row).toList();
    ObjectNode batch = JSON.createObjectNode();
    batch.set("instances", JSON.valueToTree(rows));
    expected = new ArrayList<>();
    json(f.send("POST", "/api/v1/deployments/species/predict", batch.toString()), 200)
        .get("predictions")
        .forEach(p -> expected.add(p.get("outputs")));
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void everyMlflowInputShapeAnswersAsTendsPredict() throws Exception {
    ObjectNode split = JSON.createObjectNode();
    ObjectNode frame = split.putObject("dataframe_split");
    FEATURES.forEach(frame.putArray("columns")::add);
    ArrayNode data = frame.putArray("data");
    for (Map<String, Object> row : rows) {
      ArrayNode values = data.addArray();
      FEATURES.forEach(name -> values.add(JSON.<JsonNode>valueToTree(row.get(name))));
    }
    ObjectNode records = JSON.createObjectNode();
    records.set("dataframe_records", JSON.valueToTree(rows));
    ObjectNode instances = JSON.createObjectNode();
    instances.set("instances", JSON.valueToTree(rows));
    ObjectNode inputs = JSON.createObjectNode();
    ObjectNode columns = inputs.putObject("inputs");
    for (String name : FEATURES) {
      ArrayNode column = columns.putArray(name);
      rows.forEach(row -> column.add(JSON.<JsonNode>valueToTree(row.get(name))));
    }
    int logged = f.logged().size();
    for (ObjectNode body : List.of(split, records, instances, inputs)) {
      HttpResponse<String> response =
          f.send("POST", "/deployments/species/invocations", body.toString());
      JsonNode predictions = json(response, 200).get("predictions");
      assertThat(predictions).as(body.fieldNames().next()).hasSize(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        assertThat(predictions.get(i)).isEqualTo(expected.get(i));
      }
      assertThat(response.headers().firstValue(ServingApi.MODEL_VERSION_HEADER)).hasValue("1");
      List<String> ids =
          List.of(
              response
                  .headers()
                  .firstValue(ServingApi.PREDICTION_IDS_HEADER)
                  .orElseThrow()
                  .split(","));
      assertThat(ids).hasSize(rows.size()).doesNotHaveDuplicates();
      logged += rows.size();
      assertThat(f.logged()).hasSize(logged);
    }
    assertThat(text(f.send("GET", "/deployments/species/ping", null), 200)).isNotNull();
    assertThat(text(f.send("GET", "/deployments/species/health", null), 200)).isNotNull();
    assertThat(text(f.send("GET", "/deployments/species/version", null), 200)).isEqualTo("1");
  }

  @Test
  void openInferenceAnswersAsTendsPredictAndEchoesTheRequestId() throws Exception {
    JsonNode metadata = json(f.send("GET", "/v2/models/species", null), 200);
    assertThat(metadata.get("name").asText()).isEqualTo("species");
    assertThat(metadata.get("versions")).containsExactly(JSON.getNodeFactory().textNode("1"));
    assertThat(metadata.get("inputs").findValuesAsText("name")).isEqualTo(FEATURES);
    ObjectNode request = JSON.createObjectNode().put("id", "req-42");
    ArrayNode tensors = request.putArray("inputs");
    for (JsonNode input : metadata.get("inputs")) {
      String name = input.get("name").asText();
      ObjectNode tensor = tensors.addObject();
      tensor.put("name", name).put("datatype", input.get("datatype").asText());
      tensor.putArray("shape").add(rows.size());
      ArrayNode data = tensor.putArray("data");
      rows.forEach(row -> data.add(JSON.<JsonNode>valueToTree(row.get(name))));
    }
    for (String path : List.of("/v2/models/species/infer", "/v2/models/species/versions/1/infer")) {
      HttpResponse<String> response = f.send("POST", path, request.toString());
      JsonNode answer = json(response, 200);
      assertThat(answer.get("id").asText()).isEqualTo("req-42");
      assertThat(answer.get("model_name").asText()).isEqualTo("species");
      assertThat(answer.get("model_version").asText()).isEqualTo("1");
      for (JsonNode output : answer.get("outputs")) {
        String name = output.get("name").asText();
        for (int i = 0; i < rows.size(); i++) {
          assertThat(output.get("data").get(i)).as(name).isEqualTo(expected.get(i).get(name));
        }
      }
    }
    List<PredictionRecord> records = f.logged();
    assertThat(records.stream().filter(r -> r.requestId().equals(Optional.of("req-42"))))
        .hasSize(2 * rows.size());
    json(f.send("GET", "/v2/health/live", null), 200);
    assertThat(json(f.send("GET", "/v2/health/ready", null), 200).get("ready").asBoolean())
        .isTrue();
    assertThat(json(f.send("GET", "/v2/models/species/ready", null), 200).get("ready").asBoolean())
        .isTrue();

    f.train(10, 2, 8);
    f.rollout("species", 2, RolloutMode.SHADOW, 0, Optional.empty());
    f.serving.changed("species");
    HttpResponse<String> pinned =
        f.send("POST", "/v2/models/species/versions/2/infer", request.toString());
    assertThat(json(pinned, 200).get("model_version").asText()).isEqualTo("2");
    assertThat(
            v2Error(f.send("POST", "/v2/models/species/versions/9/infer", request.toString()), 404))
        .contains("no version 9");
  }

  @Test
  void badRequestsAreRefusedInEachProtocolsOwnShapeAndLogNothing() throws Exception {
    int logged = f.logged().size();
    String mlflow = "/deployments/species/invocations";
    String v2 = "/v2/models/species/infer";
    assertThat(mlflowError(f.send("POST", mlflow, "{\"dataframe_records\": ["), 400))
        .contains("not valid JSON");
    assertThat(
            mlflowError(
                f.send("POST", mlflow, "{\"dataframe_records\": [{\"Island\": NaN}]}"), 400))
        .isNotBlank();
    assertThat(mlflowError(f.send("POST", mlflow, "{\"rows\": []}"), 400)).contains("dataframe");
    assertThat(mlflowError(f.send("POST", "/deployments/nope/invocations", "{}"), 404))
        .contains("nope");
    assertThat(mlflowError(send("POST", mlflow, "text/plain", "{}", true), 415))
        .contains("text/plain");
    assertThat(mlflowError(send("POST", mlflow, "application/json", "{}", false), 401))
        .contains("token");
    assertThat(v2Error(f.send("POST", v2, "{\"inputs\": "), 400)).contains("not valid JSON");
    assertThat(v2Error(f.send("POST", v2, "{\"inputs\": [{\"name\": \"Wings\"}]}"), 400))
        .isNotBlank();
    assertThat(v2Error(f.send("POST", "/v2/models/nope/infer", "{}"), 404)).contains("nope");
    assertThat(v2Error(f.send("GET", "/v2/models/nope", null), 404)).contains("nope");
    assertThat(v2Error(send("GET", "/v2/models/species", null, null, false), 401))
        .contains("token");
    byte[] large = new byte[(int) dev.tend.server.config.TendConfig.DEFAULT_MAX_REQUEST_BODY + 10];
    Arrays.fill(large, (byte) ' ');
    HttpResponse<String> tooLarge =
        f.client.send(
            f.request(v2)
                .header("Content-Type", "application/json")
                // A client sending 64 MiB asks first, so it reads the 413 instead of a reset.
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(large))
                .build(),
            BodyHandlers.ofString());
    // The server refuses an oversized body before any route sees it, as a problem+json.
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(f.logged()).hasSize(logged);
  }

  private HttpResponse<String> send(
      String method, String path, String contentType, String body, boolean token) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(f.server.uri().resolve(path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (token) {
      request.header("Authorization", "Bearer " + f.admin);
    }
    return f.client.send(request.build(), BodyHandlers.ofString());
  }

  private static String text(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response.body();
  }

  private static String mlflowError(HttpResponse<String> response, int status) throws Exception {
    JsonNode error = json(response, status);
    assertThat(error.get("error_code").asText())
        .isEqualTo(
            switch (status) {
              case 401 -> "UNAUTHENTICATED";
              case 404 -> "RESOURCE_DOES_NOT_EXIST";
              default -> "BAD_REQUEST";
            });
    return error.get("message").asText();
  }

  private static String v2Error(HttpResponse<String> response, int status) throws Exception {
    JsonNode error = json(response, status);
    assertThat(error.size()).as(response.body()).isEqualTo(1);
    return error.get("error").asText();
  }
}
