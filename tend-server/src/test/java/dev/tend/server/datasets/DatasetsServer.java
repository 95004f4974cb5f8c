package dev.tend.server.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.store.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A Tend server with the projects and datasets APIs on a fresh metadata database (SQLite or
 * PostgreSQL, see {@link TestDatabase}), a real artifact folder and DuckDB, and an HTTP client that
 * talks to it as the bootstrap admin unless told otherwise. For the datasets API tests; close it
 * after each test.
 */
final class DatasetsServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final TestDatabase db;
  final Path dataDir;
  StoreServices store;
  Engine engine;
  TendServer server;
  HttpClient client;
  String admin;

  private DatasetsServer(TestDatabase db, Path dataDir) {
    this.db = db;
    this.dataDir = dataDir;
  }

  /** Starts a server on a fresh database of {@code engine}; {@code dataDir} must be empty. */
  static DatasetsServer start(dev.tend.store.Engine engine, Path dataDir, long maxRequestBody) {
    DatasetsServer api = new DatasetsServer(TestDatabase.create(engine), dataDir);
    try {
      api.startServer(maxRequestBody);
      api.admin = api.store.bootstrap(Optional.empty()).orElseThrow().plainText();
    } catch (RuntimeException | Error e) {
      api.close();
      throw e;
    }
    return api;
  }

  static DatasetsServer start(dev.tend.store.Engine engine, Path dataDir) {
    return start(engine, dataDir, TendConfig.DEFAULT_MAX_REQUEST_BODY);
  }

  /** Stops the server and starts another on the same database and folders. */
  void restart(long maxRequestBody) {
    stopServer();
    startServer(maxRequestBody);
  }

  private void startServer(long maxRequestBody) {
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            maxRequestBody,
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
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /* The client goes first: its kept-alive connections would hold up the server's graceful stop. */
  private void stopServer() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (store != null) {
      store.close();
    }
  }

  @Override
  public void close() {
    try {
      stopServer();
    } finally {
      db.close();
    }
  }

  /** A token of a new principal {@code name}, with {@code role} in the project (none if null). */
  String tokenFor(String name, String project, Role role) {
    Principal principal = store.access().createPrincipal(name, false, "test");
    if (role != null) {
      String projectId = store.projects().findByName(project).orElseThrow().id();
      store.access().grant(projectId, principal.id(), role, "test");
    }
    return store.access().createToken(principal.id(), "test", "test").plainText();
  }

  /** Creates the dataset {@code base} names ({@code /api/v1/projects/P/datasets/D}). */
  void createDataset(String base, Optional<String> suite) throws Exception {
    HttpResponse<String> response =
        send(
            "PUT",
            base,
            null,
            suite.isPresent()
                ? JSON.writeValueAsString(JSON.createObjectNode().put("suite", suite.get()))
                : null);
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
  }

  /**
   * Uploads {@code content} and pushes it as a new version of {@code base}; answers the version.
   */
  JsonNode push(String base, byte[] content, String path) throws Exception {
    HttpResponse<String> uploaded = upload(content);
    assertThat(uploaded.statusCode()).as(uploaded.body()).isIn(200, 201);
    return json(postVersion(base, sha256(content), content.length, path, null), 201);
  }

  JsonNode push(String base, String content, String path) throws Exception {
    return push(base, content.getBytes(StandardCharsets.UTF_8), path);
  }

  HttpResponse<String> upload(byte[] content) throws Exception {
    return client.send(
        request("PUT", "/api/v1/blobs/" + sha256(content), null, admin)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
            .build(),
        BodyHandlers.ofString());
  }

  HttpResponse<String> upload(String content) throws Exception {
    return upload(content.getBytes(StandardCharsets.UTF_8));
  }

  HttpResponse<String> postVersion(String base, String sha, long size, String path, String key)
      throws Exception {
    return send("POST", base + "/versions", key, versionBody(sha, size, path));
  }

  static String versionBody(String sha, long size, String path) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("files").addObject().put("path", path).put("size", size).put("sha256", sha);
    body.put("source", "test");
    return JSON.writeValueAsString(body);
  }

  /** The aliases of {@code base}, name to version number. */
  ObjectNode aliases(String base) throws Exception {
    ObjectNode byName = JSON.createObjectNode();
    json(send("GET", base + "/aliases", null, null), 200)
        .get("items")
        .forEach(a -> byName.put(a.get("name").asText(), a.get("version_number").asInt()));
    return byName;
  }

  HttpRequest.Builder request(String method, String path, String key, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + path)).timeout(Duration.ofSeconds(60));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (key != null) {
      request.header("Idempotency-Key", key);
    }
    return request;
  }

  HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
    return send(method, path, key, body, admin);
  }

  HttpResponse<String> send(String method, String path, String key, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        request(method, path, key, token)
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

  /** Rows in a metadata table. */
  long rows(String table) {
    return db.count(table);
  }

  /** Blobs in the artifact store (its files that are not temporary). */
  long blobs() throws IOException {
    Path blobs = dataDir.resolve("artifacts").resolve("blobs");
    if (!Files.exists(blobs)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(blobs)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }

  static JsonNode problem(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("code").asText()).isEqualTo(code);
    return problem;
  }

  static String sha256(String text) {
    return sha256(text.getBytes(StandardCharsets.UTF_8));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
