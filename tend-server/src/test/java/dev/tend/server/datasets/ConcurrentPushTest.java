package dev.tend.server.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pushes to one dataset sent at the same time through real HTTP, on SQLite and PostgreSQL metadata:
 * each gets its own version number, the numbers are consecutive, and every version is complete.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class ConcurrentPushTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BASE = "/api/v1/projects/flights/datasets/trips";
  static final int CLIENTS = 6;
  static final int PUSHES_EACH = 3;

  @Parameter dev.tend.store.Engine metadata;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  Engine engine;
  TendServer server;
  HttpClient client;
  String admin;

  @BeforeEach
  void start() throws Exception {
    db = TestDatabase.create(metadata);
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
    server =
        TendServer.start(
            config,
            store.services(),
            List.of(
                new ProjectsApi(store.projects()),
                new DatasetsApi(
                    store.projects(),
                    store.datasets(),
                    store.artifacts(),
                    engine,
                    store.workDir())));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    admin = store.access().ensureBootstrapAdmin(Optional.empty()).orElseThrow().plainText();
    assertThat(send("POST", "/api/v1/projects", "{\"name\": \"flights\"}").statusCode())
        .isEqualTo(201);
    assertThat(send("PUT", BASE, null).statusCode()).isEqualTo(201);
  }

  @AfterEach
  void stop() {
    try {
      client.close();
      server.close();
      engine.close();
      store.close();
    } finally {
      db.close();
    }
  }

  @Test
  void concurrentPushesGetDistinctConsecutiveNumbersAndCompleteVersions() throws Exception {
    int total = CLIENTS * PUSHES_EACH;
    List<Integer> numbers = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
      List<Future<List<JsonNode>>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(
            pool.submit(
                () -> {
                  go.await();
                  List<JsonNode> pushed = new ArrayList<>();
                  for (int p = 0; p < PUSHES_EACH; p++) {
                    pushed.add(push(csv(client * PUSHES_EACH + p)));
                  }
                  return pushed;
                }));
      }
      go.countDown();
      for (Future<List<JsonNode>> pushes : clients) {
        for (JsonNode version : pushes.get()) {
          assertThat(version.get("status").asText()).isEqualTo("accepted");
          numbers.add(version.get("number").asInt());
        }
      }
    }

    assertThat(numbers)
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
    JsonNode listed = json(send("GET", BASE + "/versions?limit=100", null), 200).get("items");
    assertThat(listed).hasSize(total);
    for (int n = 1; n <= total; n++) {
      assertThat(listed.get(n - 1).get("number").asInt()).isEqualTo(n);
      JsonNode version = json(send("GET", BASE + "/versions/" + n, null), 200);
      String sha = version.at("/files/0/sha256").asText();
      int rows = version.get("row_count").asInt();
      // each pushed file has its own row count (see csv), so a version cannot show another's rows
      assertThat(sha).isEqualTo(sha256(csv(rows - 2)));
    }
    JsonNode aliases = json(send("GET", BASE + "/aliases", null), 200).get("items");
    assertThat(aliases).hasSize(1);
    assertThat(aliases.get(0).get("name").asText()).isEqualTo("latest");
    assertThat(aliases.get(0).get("version_number").asInt()).isEqualTo(total);
    try (Stream<Path> left = Files.list(store.workDir())) {
      assertThat(left).isEmpty();
    }
  }

  /** The i-th pushed file: i + 2 rows, so rows and content tell pushes apart. */
  private static String csv(int i) {
    StringBuilder csv = new StringBuilder("id,delay\n");
    for (int row = 0; row < i + 2; row++) {
      csv.append(row).append(',').append(row * 7 % 60).append('\n');
    }
    return csv.toString();
  }

  private JsonNode push(String csv) throws Exception {
    String sha = sha256(csv);
    HttpResponse<String> uploaded =
        client.send(
            request("/api/v1/blobs/" + sha).PUT(HttpRequest.BodyPublishers.ofString(csv)).build(),
            BodyHandlers.ofString());
    assertThat(uploaded.statusCode()).as(uploaded.body()).isIn(200, 201);
    ObjectNode body = JSON.createObjectNode();
    body.putArray("files")
        .addObject()
        .put("path", "trips.csv")
        .put("size", csv.getBytes(StandardCharsets.UTF_8).length)
        .put("sha256", sha);
    return json(send("POST", BASE + "/versions", JSON.writeValueAsString(body)), 201);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path))
        .timeout(Duration.ofSeconds(60))
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

  private static String sha256(String content) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
  }
}
