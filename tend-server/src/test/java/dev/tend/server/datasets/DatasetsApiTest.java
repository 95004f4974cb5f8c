package dev.tend.server.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Role;
import dev.tend.server.StoreServices;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Datasets through real HTTP against a server on the real store and DuckDB. */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class DatasetsApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BASE = "/api/v1/projects/flights/datasets/trips";
  static final String GOOD = "id,delay\n1,5\n2,10\n3,-3\n";
  static final String BAD = "id,delay\n1,5\n2,9999\n";
  static final String SUITE =
      "version: 1\nchecks:\n  - between: {column: delay, min: -120, max: 1800}\n"
          + "    name: delay in range\n";

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  DatasetsServer api;
  StoreServices store;
  HttpClient client;

  @BeforeEach
  void start() throws Exception {
    api = DatasetsServer.start(database, dataDir);
    store = api.store;
    client = api.client;
    assertThat(send("POST", "/api/v1/projects", null, "{\"name\": \"flights\"}").statusCode())
        .isEqualTo(201);
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void aPushedCsvIsAcceptedWithItsRowCountAndMovesLatest() throws Exception {
    createDataset(Optional.empty());

    JsonNode version = push(GOOD, "trips.csv", null);

    assertThat(version.get("number").asInt()).isEqualTo(1);
    assertThat(version.get("status").asText()).isEqualTo("accepted");
    assertThat(version.get("row_count").asLong()).isEqualTo(3);
    assertThat(latest()).isEqualTo(1);
    JsonNode read = json(send("GET", BASE + "/versions/1", null, null), 200);
    assertThat(read.get("row_count").asLong()).isEqualTo(3);
    assertThat(read.at("/files/0/path").asText()).isEqualTo("trips.csv");
    assertThat(read.at("/files/0/sha256").asText()).isEqualTo(sha256(GOOD));
    assertThat(read.at("/schema/columns/1/name").asText()).isEqualTo("delay");
    assertThat(read.get("created_by").asText()).isEqualTo("admin");
    JsonNode list = json(send("GET", BASE + "/versions", null, null), 200);
    assertThat(list.get("items")).hasSize(1);
  }

  @Test
  void aVersionFailingTheSuiteIsRejectedAndAliasesToItNeedForce() throws Exception {
    createDataset(Optional.of(SUITE));
    assertThat(push(GOOD, "trips.csv", null).get("status").asText()).isEqualTo("accepted");

    JsonNode rejected = push(BAD, "trips.csv", null);

    assertThat(rejected.get("number").asInt()).isEqualTo(2);
    assertThat(rejected.get("status").asText()).isEqualTo("rejected");
    assertThat(rejected.at("/checks/passed").asBoolean()).isFalse();
    assertThat(rejected.at("/checks/failed/0").asText()).isEqualTo("delay in range");
    assertThat(latest()).isEqualTo(1);
    JsonNode read = json(send("GET", BASE + "/versions/2", null, null), 200);
    assertThat(read.get("check_report").isObject()).isTrue();

    HttpResponse<String> refused =
        send("PUT", BASE + "/aliases/production", null, "{\"version\": 2, \"reason\": \"try\"}");
    problem(refused, 409, "conflict");
    HttpResponse<String> forced =
        send(
            "PUT",
            BASE + "/aliases/production",
            null,
            "{\"version\": 2, \"reason\": \"hotfix\", \"force\": true}");
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
    assertThat(aliases().get("production").asInt()).isEqualTo(2);
  }

  @Test
  void anInvalidSuiteIsAValidationProblemNamingFileLineAndColumn() throws Exception {
    HttpResponse<String> response =
        send("PUT", BASE, null, JSON.writeValueAsString(suiteBody("version: 1\nchecks: [[\n")));
    JsonNode problem = problem(response, 422, "validation-failed");
    assertThat(problem.get("detail").asText()).contains("suite.yaml:3:1");
    assertThat(problem.at("/errors/0/field").asText()).isEqualTo("/suite");
  }

  @Test
  void aDownloadedFileIsByteIdenticalAndCarriesItsHashAsETag() throws Exception {
    createDataset(Optional.empty());
    push(GOOD, "trips.csv", null);
    String sha =
        json(send("GET", BASE + "/versions/1", null, null), 200).at("/files/0/sha256").asText();

    HttpResponse<byte[]> download =
        client.send(
            request("GET", "/api/v1/blobs/" + sha, null).build(), BodyHandlers.ofByteArray());

    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
    assertThat(sha256(download.body())).isEqualTo(sha);
    assertThat(new String(download.body(), StandardCharsets.UTF_8)).isEqualTo(GOOD);
  }

  @Test
  void uploadingTwiceDeduplicatesAndAWrongHashIsAValidationProblem() throws Exception {
    assertThat(upload(GOOD).statusCode()).isEqualTo(201);
    assertThat(upload(GOOD).statusCode()).isEqualTo(200);

    HttpResponse<String> mismatch =
        client.send(
            request("PUT", "/api/v1/blobs/" + sha256(BAD), null)
                .PUT(HttpRequest.BodyPublishers.ofString(GOOD))
                .build(),
            BodyHandlers.ofString());

    problem(mismatch, 422, "validation-failed");
    assertThat(store.artifacts().exists(sha256(BAD))).isFalse();
  }

  @Test
  void aMissingBlobIsAValidationProblemListingIt() throws Exception {
    createDataset(Optional.empty());
    String missing = sha256("never uploaded");

    HttpResponse<String> response = postVersion(missing, 14, "trips.csv", null);

    JsonNode problem = problem(response, 422, "validation-failed");
    assertThat(problem.get("detail").asText()).contains(missing);
    assertThat(json(send("GET", BASE + "/versions", null, null), 200).get("items")).isEmpty();
  }

  @Test
  void aMalformedCsvIsAValidationProblemAndLeavesNoVersionOrFolder() throws Exception {
    createDataset(Optional.empty());
    String malformed = "id,delay\n1,\"5\n2,\"x\"y\",3,4\n";
    upload(malformed);

    HttpResponse<String> response =
        postVersion(sha256(malformed), malformed.length(), "trips.csv", null);

    problem(response, 422, "validation-failed");
    assertThat(json(send("GET", BASE + "/versions", null, null), 200).get("items")).isEmpty();
    problem(send("GET", BASE + "/versions/1", null, null), 404, "not-found");
    try (Stream<Path> left = Files.list(dataDir.resolve("work"))) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void anIdempotentRepushReturnsTheSameVersion() throws Exception {
    createDataset(Optional.empty());
    upload(GOOD);

    HttpResponse<String> first = postVersion(sha256(GOOD), GOOD.length(), "trips.csv", "push-1");
    HttpResponse<String> again = postVersion(sha256(GOOD), GOOD.length(), "trips.csv", "push-1");

    assertThat(json(first, 201).get("number").asInt()).isEqualTo(1);
    assertThat(json(again, 201).get("number").asInt()).isEqualTo(1);
    assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");
    assertThat(json(send("GET", BASE + "/versions", null, null), 200).get("items")).hasSize(1);
  }

  @Test
  void concurrentPushesGetConsecutiveNumbers() throws Exception {
    createDataset(Optional.empty());
    upload(GOOD);
    String body = versionBody(sha256(GOOD), GOOD.length(), "trips.csv");
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pushes =
        new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      pushes.add(
          client.sendAsync(
              request("POST", BASE + "/versions", null)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              BodyHandlers.ofString()));
    }

    List<Integer> numbers = new java.util.ArrayList<>();
    for (var push : pushes) {
      numbers.add(json(push.get(), 201).get("number").asInt());
    }

    assertThat(numbers).containsExactlyInAnyOrder(1, 2, 3, 4);
    assertThat(latest()).isEqualTo(4);
  }

  @Test
  void datasetsAreListedInCreationOrder() throws Exception {
    send("PUT", "/api/v1/projects/flights/datasets/b", null, null);
    send("PUT", "/api/v1/projects/flights/datasets/a", null, null);

    JsonNode page = json(send("GET", "/api/v1/projects/flights/datasets", null, null), 200);

    assertThat(page.get("items")).extracting(d -> d.get("name").asText()).containsExactly("b", "a");
  }

  @Test
  void theFormatIsGivenForAFileWithoutExtensionAndAnUnknownOneIsAValidationProblem()
      throws Exception {
    createDataset(Optional.empty());
    upload(GOOD);
    ObjectNode body = JSON.createObjectNode();
    body.putArray("files")
        .addObject()
        .put("path", "trips")
        .put("size", GOOD.length())
        .put("sha256", sha256(GOOD));

    problem(
        send("POST", BASE + "/versions", null, JSON.writeValueAsString(body)),
        422,
        "validation-failed");
    body.put("format", "xlsx");
    problem(
        send("POST", BASE + "/versions", null, JSON.writeValueAsString(body)),
        422,
        "validation-failed");
    body.put("format", "csv");
    JsonNode version =
        json(send("POST", BASE + "/versions", null, JSON.writeValueAsString(body)), 201);

    // Requests refused before the push starts reserve no number.
    assertThat(version.get("number").asInt()).isEqualTo(1);
    assertThat(version.get("row_count").asLong()).isEqualTo(3);
  }

  @Test
  void anUploadWithAnIdempotencyKeyIsReplayedAndADownloadRevalidatesByETag() throws Exception {
    HttpRequest.Builder put =
        request("PUT", "/api/v1/blobs/" + sha256(GOOD), "blob-1")
            .PUT(HttpRequest.BodyPublishers.ofString(GOOD));
    assertThat(client.send(put.build(), BodyHandlers.ofString()).statusCode()).isEqualTo(201);
    HttpResponse<String> again = client.send(put.build(), BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");

    HttpResponse<String> revalidated =
        client.send(
            request("GET", "/api/v1/blobs/" + sha256(GOOD), null)
                .header("If-None-Match", "\"" + sha256(GOOD) + "\"")
                .build(),
            BodyHandlers.ofString());

    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(revalidated.body()).isEmpty();
    problem(send("GET", "/api/v1/blobs/" + sha256("absent"), null, null), 404, "not-found");
  }

  @Test
  void anUnknownDatasetIsNotFoundForAnAdmin() throws Exception {
    problem(send("GET", BASE + "/versions", null, null), 404, "not-found");
    problem(send("GET", BASE + "/versions/1", null, null), 404, "not-found");
    problem(send("GET", BASE + "/aliases", null, null), 404, "not-found");
  }

  @Test
  void creatingADatasetTwiceAnswersCreatedThenOk() throws Exception {
    assertThat(send("PUT", BASE, null, null).statusCode()).isEqualTo(201);
    HttpResponse<String> again = send("PUT", BASE, null, JSON.writeValueAsString(suiteBody(SUITE)));
    assertThat(json(again, 200).get("suite").asText()).isEqualTo(SUITE);
  }

  @Test
  void rolesDecideWhoMayCreatePushAndReadAndAnyTokenMayUpload() throws Exception {
    createDataset(Optional.empty());
    String viewer = tokenFor("vera", "flights", Role.VIEWER);
    String editor = tokenFor("eddie", "flights", Role.EDITOR);
    String stranger = tokenFor("sam", null, null);

    HttpResponse<String> upload =
        client.send(
            request("PUT", "/api/v1/blobs/" + sha256(GOOD), null, stranger)
                .PUT(HttpRequest.BodyPublishers.ofString(GOOD))
                .build(),
            BodyHandlers.ofString());
    assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
    String body = versionBody(sha256(GOOD), GOOD.length(), "trips.csv");
    problem(send("POST", BASE + "/versions", null, body, viewer), 403, "forbidden");
    problem(send("POST", BASE + "/versions", null, body, stranger), 403, "forbidden");
    assertThat(
            json(send("POST", BASE + "/versions", null, body, editor), 201)
                .get("created_by")
                .asText())
        .isEqualTo("eddie");
    assertThat(
            json(send("GET", BASE + "/versions/1", null, null, viewer), 200).get("number").asInt())
        .isEqualTo(1);
    problem(send("PUT", BASE, null, null, editor), 403, "forbidden");
    problem(
        send("PUT", BASE + "/aliases/production", null, "{\"version\": 1}", editor),
        403,
        "forbidden");
  }

  @Test
  void aVersionOfSeveralFilesIsReadAsOneDataset() throws Exception {
    createDataset(Optional.empty());
    String second = "id,delay\n4,7\n";
    upload(GOOD);
    upload(second);
    ObjectNode body = JSON.createObjectNode();
    var files = body.putArray("files");
    files
        .addObject()
        .put("path", "part-0.csv")
        .put("size", GOOD.length())
        .put("sha256", sha256(GOOD));
    files
        .addObject()
        .put("path", "day=2/part-1.csv")
        .put("size", second.length())
        .put("sha256", sha256(second));

    JsonNode version =
        json(send("POST", BASE + "/versions", null, JSON.writeValueAsString(body)), 201);

    assertThat(version.get("row_count").asLong()).isEqualTo(4);
    assertThat(version.get("total_bytes").asLong()).isEqualTo(GOOD.length() + second.length());
  }

  @Test
  void aDownloadAcceptingGzipIsSentWholeWithItsLength() throws Exception {
    byte[] big = ("id,delay\n" + "1,5\n".repeat(5000)).getBytes(StandardCharsets.UTF_8);
    client.send(
        request("PUT", "/api/v1/blobs/" + sha256(big), null)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(big))
            .build(),
        BodyHandlers.discarding());

    HttpResponse<byte[]> download =
        client.send(
            request("GET", "/api/v1/blobs/" + sha256(big), null)
                .header("Accept-Encoding", "gzip")
                .build(),
            BodyHandlers.ofByteArray());

    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(big.length);
    assertThat(sha256(download.body())).isEqualTo(sha256(big));
  }

  @Test
  void pushedPathsMustNotBeHiddenOrBothFileAndFolder() throws Exception {
    createDataset(Optional.empty());
    upload(GOOD);
    for (List<String> paths :
        List.of(List.of("a.csv", ".b.csv"), List.of("a", "a-b.csv", "a/c.csv"))) {
      ObjectNode body = JSON.createObjectNode();
      var files = body.putArray("files");
      for (String path : paths) {
        files.addObject().put("path", path).put("size", GOOD.length()).put("sha256", sha256(GOOD));
      }
      body.put("format", "csv");
      problem(
          send("POST", BASE + "/versions", null, JSON.writeValueAsString(body)),
          422,
          "validation-failed");
    }
    assertThat(json(send("GET", BASE + "/versions", null, null), 200).get("items")).isEmpty();
  }

  @Test
  void anUploadOverTheBodyLimitIsTooLargeAndStoresNothing() throws Exception {
    api.restart(1024);
    store = api.store;
    client = api.client;
    byte[] big = new byte[4096];

    HttpResponse<String> response =
        client.send(
            request("PUT", "/api/v1/blobs/" + sha256(big), null)
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big)))
                .build(),
            BodyHandlers.ofString());

    problem(response, 413, "payload-too-large");
    assertThat(store.artifacts().exists(sha256(big))).isFalse();
  }

  private String tokenFor(String name, String project, Role role) {
    return api.tokenFor(name, project, role);
  }

  private void createDataset(Optional<String> suite) throws Exception {
    HttpResponse<String> response =
        send(
            "PUT",
            BASE,
            null,
            suite.isPresent() ? JSON.writeValueAsString(suiteBody(suite.get())) : null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  private static ObjectNode suiteBody(String yaml) {
    return JSON.createObjectNode().put("suite", yaml);
  }

  private JsonNode push(String csv, String path, String key) throws Exception {
    HttpResponse<String> uploaded = upload(csv);
    assertThat(uploaded.statusCode()).as(uploaded.body()).isIn(200, 201);
    return json(postVersion(sha256(csv), csv.length(), path, key), 201);
  }

  private HttpResponse<String> upload(String content) throws Exception {
    return api.upload(content);
  }

  private HttpResponse<String> postVersion(String sha, long size, String path, String key)
      throws Exception {
    return api.postVersion(BASE, sha, size, path, key);
  }

  private static String versionBody(String sha, long size, String path) throws Exception {
    return DatasetsServer.versionBody(sha, size, path);
  }

  private int latest() throws Exception {
    return aliases().get("latest").asInt();
  }

  private ObjectNode aliases() throws Exception {
    return api.aliases(BASE);
  }

  private HttpRequest.Builder request(String method, String path, String key) {
    return api.request(method, path, key, api.admin);
  }

  private HttpRequest.Builder request(String method, String path, String key, String token) {
    return api.request(method, path, key, token);
  }

  private HttpResponse<String> send(String method, String path, String key, String body)
      throws Exception {
    return api.send(method, path, key, body);
  }

  private HttpResponse<String> send(
      String method, String path, String key, String body, String token) throws Exception {
    return api.send(method, path, key, body, token);
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    return DatasetsServer.json(response, status);
  }

  private static JsonNode problem(HttpResponse<String> response, int status, String code)
      throws Exception {
    return DatasetsServer.problem(response, status, code);
  }

  private static String sha256(String text) {
    return DatasetsServer.sha256(text);
  }

  private static String sha256(byte[] bytes) {
    return DatasetsServer.sha256(bytes);
  }
}
