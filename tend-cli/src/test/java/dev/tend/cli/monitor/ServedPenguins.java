package dev.tend.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * A real server with the project {@code zoo} whose penguin species model (trained on the shared
 * penguins data) is deployed as {@code species-dev}: what the monitoring and automation tests
 * predict against.
 */
public final class ServedPenguins implements AutoCloseable {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String PROJECT = "/api/v1/projects/zoo";
  public static final List<String> FEATURES =
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)");

  public final LocalServer server;
  public final String admin;
  final HttpClient http;
  public final List<Map<String, Object>> penguins;

  private ServedPenguins(LocalServer server) throws Exception {
    this.server = server;
    this.admin = server.bootstrap().orElseThrow().plainText();
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    byte[] bytes = Files.readAllBytes(Cli.sharedData("penguins.json"));
    this.penguins = JSON.readValue(bytes, new TypeReference<>() {});
    send("POST", "/api/v1/projects", "{\"name\": \"zoo\"}", 201);
    send("PUT", PROJECT + "/datasets/penguins", null, 201);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    HttpResponse<String> blob =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve("/api/v1/blobs/" + sha))
                .header("Authorization", "Bearer " + admin)
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
    send("POST", PROJECT + "/datasets/penguins/versions", version.toString(), 201);
    ObjectNode train = JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    FEATURES.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", 5).put("max_depth", 3);
    send("POST", PROJECT + "/models/species/train", train.toString(), 201);
    send(
        "PUT",
        PROJECT + "/deployments/species-dev",
        "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\"}",
        201);
  }

  /** Starts {@code server}, creates the project, trains and deploys the model. */
  public static ServedPenguins start(LocalServer server) throws Exception {
    try {
      return new ServedPenguins(server);
    } catch (Exception | AssertionError e) {
      server.close();
      throw e;
    }
  }

  /** Predicts penguins {@code from} to {@code to} (exclusive), ids {@code prefix-i}. */
  public void predict(String prefix, int from, int to, UnaryOperator<Map<String, Object>> change)
      throws Exception {
    predict("species-dev", prefix, IntStream.range(from, to), change);
  }

  /**
   * Asks {@code deployment} about the penguins at {@code indices}, each changed by {@code change},
   * with ids {@code prefix-i}.
   */
  public void predict(
      String deployment,
      String prefix,
      IntStream indices,
      UnaryOperator<Map<String, Object>> change)
      throws Exception {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode rows = body.putArray("rows");
    indices.forEach(
        i -> {
          Map<String, Object> row = new HashMap<>();
          for (String f : FEATURES) {
            row.put(f, penguins.get(i).get(f));
          }
          rows.addObject().put("id", prefix + i).set("inputs", JSON.valueToTree(change.apply(row)));
        });
    send("POST", "/api/v1/deployments/" + deployment + "/predict", body.toString(), 200);
  }

  /** Labels the predictions {@code prefix-i} at {@code indices} with each penguin's species. */
  public void label(String prefix, IntStream indices) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode items = body.putArray("items");
    indices.forEach(
        i ->
            items
                .addObject()
                .put("prediction_id", prefix + i)
                .put("value", String.valueOf(penguins.get(i).get("Species"))));
    send("POST", "/api/v1/feedback", body.toString(), 200);
  }

  public JsonNode send(String method, String path, String body, int status) throws Exception {
    return send(method, path, body, "application/json", status);
  }

  public JsonNode send(String method, String path, String body, String contentType, int status)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri().resolve(path))
            .header("Authorization", "Bearer " + admin)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response.body().isEmpty() ? null : JSON.readTree(response.body());
  }

  /** The body of an authenticated GET, whatever its type. */
  public String text(String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(server.uri().resolve(path))
                .header("Authorization", "Bearer " + admin)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  @Override
  public void close() {
    http.close();
    server.close();
  }
}
