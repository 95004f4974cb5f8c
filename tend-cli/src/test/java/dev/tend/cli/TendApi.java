package dev.tend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few calls of Tend's HTTP API the process tests make, over real HTTP with an admin token.
 * Thread-safe.
 */
final class TendApi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  TendApi(URI server, String token) {
    this.base = URI.create(server + "/api/v1");
    this.token = token;
  }

  /** A file of a push. */
  record PushedFile(String path, byte[] content) {
    String sha256() {
      return TendApi.sha256(content);
    }
  }

  void createProject(String project) throws IOException, InterruptedException {
    expect(send("POST", "/projects", "{\"name\": \"" + project + "\"}"), 201);
  }

  void createDataset(String project, String dataset, String suiteYaml)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("suite", suiteYaml);
    expect(send("PUT", datasetPath(project, dataset), JSON.writeValueAsString(body)), 201);
  }

  /** Uploads a blob; returns the status (201 stored, 200 already there). */
  int upload(byte[] content) throws IOException, InterruptedException {
    HttpResponse<String> response =
        client.send(
            request("/blobs/" + sha256(content))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build(),
            BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    return response.statusCode();
  }

  /** Uploads the files and pushes them as a version; returns the 201 answer. */
  JsonNode push(String project, String dataset, List<PushedFile> files)
      throws IOException, InterruptedException {
    for (PushedFile file : files) {
      upload(file.content());
    }
    return postVersion(project, dataset, files);
  }

  /** Pushes files already uploaded as a version; returns the 201 answer. */
  JsonNode postVersion(String project, String dataset, List<PushedFile> files)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("files");
    for (PushedFile file : files) {
      list.addObject()
          .put("path", file.path())
          .put("size", file.content().length)
          .put("sha256", file.sha256());
    }
    return expect(
        send("POST", datasetPath(project, dataset) + "/versions", JSON.writeValueAsString(body)),
        201);
  }

  /** The committed versions, oldest first (numbers and statuses). */
  Map<Integer, String> versions(String project, String dataset)
      throws IOException, InterruptedException {
    Map<Integer, String> versions = new LinkedHashMap<>();
    JsonNode items =
        expect(send("GET", datasetPath(project, dataset) + "/versions?limit=500", null), 200)
            .get("items");
    items.forEach(v -> versions.put(v.get("number").asInt(), v.get("status").asText()));
    return versions;
  }

  JsonNode version(String project, String dataset, int number)
      throws IOException, InterruptedException {
    return expect(send("GET", datasetPath(project, dataset) + "/versions/" + number, null), 200);
  }

  /** Alias name to version number. */
  Map<String, Integer> aliases(String project, String dataset)
      throws IOException, InterruptedException {
    Map<String, Integer> aliases = new LinkedHashMap<>();
    expect(send("GET", datasetPath(project, dataset) + "/aliases", null), 200)
        .get("items")
        .forEach(a -> aliases.put(a.get("name").asText(), a.get("version_number").asInt()));
    return aliases;
  }

  void moveAlias(String project, String dataset, String alias, int number)
      throws IOException, InterruptedException {
    expect(
        send(
            "PUT",
            datasetPath(project, dataset) + "/aliases/" + alias,
            "{\"version\": " + number + ", \"reason\": \"crash test\"}"),
        200);
  }

  /** The status of a blob download and the SHA-256 of what came back. */
  record Download(int status, String sha256) {}

  Download download(String sha256) throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        client.send(request("/blobs/" + sha256).GET().build(), BodyHandlers.ofByteArray());
    return new Download(response.statusCode(), sha256(response.body()));
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
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

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + token);
  }

  private static JsonNode expect(HttpResponse<String> response, int status) throws IOException {
    assertThat(response.statusCode())
        .as("%s %s: %s", response.request().method(), response.uri(), response.body())
        .isEqualTo(status);
    return JSON.readTree(response.body());
  }

  private static String datasetPath(String project, String dataset) {
    return "/projects/" + project + "/datasets/" + dataset;
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
