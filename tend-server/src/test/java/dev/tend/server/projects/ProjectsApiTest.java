package dev.tend.server.projects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.IssuedToken;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Projects through real HTTP against a server on the real store, on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Engine.class)
class ProjectsApiTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Parameter Engine engine;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  TendServer server;
  HttpClient client;
  String admin;

  @BeforeEach
  void start() {
    db = TestDatabase.create(engine);
    startServer();
    IssuedToken bootstrap = store.access().ensureBootstrapAdmin(Optional.empty()).orElseThrow();
    admin = bootstrap.plainText();
  }

  private void startServer() {
    startServer(false);
  }

  private void startServer(boolean anonymousReads) {
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            TendConfig.DEFAULT_MAX_REQUEST_BODY,
            Duration.ofSeconds(1),
            dataDir,
            db.url(),
            dataDir.resolve("artifacts"),
            anonymousReads);
    store = StoreServices.open(config);
    server = TendServer.start(config, store.services(), List.of(new ProjectsApi(store.projects())));
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
    if (store != null) {
      store.close();
    }
  }

  @AfterEach
  void stop() {
    try {
      stopServer();
    } finally {
      if (db != null) {
        db.close();
      }
    }
  }

  @Test
  void theBootstrapTokenWorksAndAWrongOneIsUnauthorized() throws Exception {
    assertThat(send("GET", "/api/v1/projects", admin, null, null).statusCode()).isEqualTo(200);

    HttpResponse<String> wrong =
        send("GET", "/api/v1/projects", admin.substring(0, admin.length() - 2) + "xx", null, null);
    assertThat(problem(wrong, 401, "unauthorized").get("detail").asText()).contains("not valid");
    assertThat(send("GET", "/api/v1/projects", null, null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void createsListsAndReadsProjects() throws Exception {
    HttpResponse<String> created =
        send(
            "POST",
            "/api/v1/projects",
            admin,
            null,
            "{\"name\": \"flights\", \"description\": \"delay model\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/projects/flights");
    JsonNode project = JSON.readTree(created.body());
    assertThat(project.get("name").asText()).isEqualTo("flights");
    assertThat(project.get("description").asText()).isEqualTo("delay model");
    assertThat(project.get("created_by").asText()).isEqualTo("admin");
    assertThat(project.get("id").asText()).isNotBlank();
    send("POST", "/api/v1/projects", admin, null, "{\"name\": \"hotels\"}");
    send("POST", "/api/v1/projects", admin, null, "{\"name\": \"trains\"}");

    assertThat(names("/api/v1/projects?limit=2", admin))
        .containsExactly("flights", "hotels", "trains");
    HttpResponse<String> one = send("GET", "/api/v1/projects/flights", admin, null, null);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(one.body())).isEqualTo(project);
    assertThat(
            problem(send("GET", "/api/v1/projects/nope", admin, null, null), 404, "not-found")
                .get("detail")
                .asText())
        .contains("'nope'");
  }

  @Test
  void aDuplicateNameIsAConflictAndABadNameAValidationProblem() throws Exception {
    send("POST", "/api/v1/projects", admin, null, "{\"name\": \"flights\"}");

    HttpResponse<String> duplicate =
        send("POST", "/api/v1/projects", admin, null, "{\"name\": \"flights\"}");
    assertThat(problem(duplicate, 409, "conflict").get("detail").asText())
        .contains("'flights' already exists");
    HttpResponse<String> invalid =
        send("POST", "/api/v1/projects", admin, null, "{\"name\": \"Flights!\"}");
    assertThat(problem(invalid, 422, "validation-failed").get("detail").asText())
        .contains("project name 'Flights!' must use only lower-case letters");
    HttpResponse<String> missing = send("POST", "/api/v1/projects", admin, null, "{}");
    problem(missing, 422, "validation-failed");
  }

  @Test
  void aNonAdminMayNotCreateAndSeesOnlyProjectsItHasARoleIn() throws Exception {
    send("POST", "/api/v1/projects", admin, null, "{\"name\": \"flights\"}");
    send("POST", "/api/v1/projects", admin, null, "{\"name\": \"hotels\"}");
    Principal carol = store.access().createPrincipal("carol", false, "test");
    String token = store.access().createToken(carol.id(), "test", "test").plainText();
    String flights = store.projects().findByName("flights").orElseThrow().id();
    store.access().grant(flights, carol.id(), Role.VIEWER, "test");

    HttpResponse<String> create =
        send("POST", "/api/v1/projects", token, null, "{\"name\": \"mine\"}");
    assertThat(problem(create, 403, "forbidden").get("detail").asText())
        .contains("'carol' may not administer");
    assertThat(names("/api/v1/projects", token)).containsExactly("flights");
    assertThat(send("GET", "/api/v1/projects/flights", token, null, null).statusCode())
        .isEqualTo(200);
    problem(send("GET", "/api/v1/projects/hotels", token, null, null), 403, "forbidden");
    // An unknown project answers like one without a role, so names cannot be probed.
    problem(send("GET", "/api/v1/projects/nope", token, null, null), 403, "forbidden");
  }

  @Test
  void anIdempotentCreateIsReplayedAfterARestart() throws Exception {
    String body = "{\"name\": \"flights\"}";
    HttpResponse<String> first = send("POST", "/api/v1/projects", admin, "key-1", body);
    assertThat(first.statusCode()).isEqualTo(201);

    stopServer();
    startServer();

    HttpResponse<String> again = send("POST", "/api/v1/projects", admin, "key-1", body);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");
    assertThat(again.headers().firstValue("Location")).hasValue("/api/v1/projects/flights");
    HttpResponse<String> other =
        send("POST", "/api/v1/projects", admin, "key-1", "{\"name\": \"hotels\"}");
    problem(other, 422, "idempotency-key-reused");
    assertThat(names("/api/v1/projects", admin)).containsExactly("flights");
  }

  @Test
  void anonymousReadsListAndReadEveryProjectButMayNotCreate() throws Exception {
    send("POST", "/api/v1/projects", admin, null, "{\"name\": \"flights\"}");
    send("POST", "/api/v1/projects", admin, null, "{\"name\": \"hotels\"}");
    stopServer();
    startServer(true);

    assertThat(names("/api/v1/projects", null)).containsExactly("flights", "hotels");
    assertThat(send("GET", "/api/v1/projects/hotels", null, null, null).statusCode())
        .isEqualTo(200);
    problem(send("POST", "/api/v1/projects", null, null, "{\"name\": \"x\"}"), 401, "unauthorized");
  }

  private List<String> names(String path, String token) throws Exception {
    List<String> names = new ArrayList<>();
    String next = path;
    while (next != null) {
      HttpResponse<String> response = send("GET", next, token, null, null);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode page = JSON.readTree(response.body());
      page.get("items").forEach(p -> names.add(p.get("name").asText()));
      next =
          page.has("next_cursor")
              ? path.split("\\?")[0]
                  + "?"
                  + (path.contains("?") ? path.split("\\?")[1] + "&" : "")
                  + "cursor="
                  + page.get("next_cursor").asText()
              : null;
    }
    return names;
  }

  private HttpResponse<String> send(
      String method, String path, String token, String idempotencyKey, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.uri() + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    return client.send(request.build(), BodyHandlers.ofString());
  }

  private static JsonNode problem(HttpResponse<String> response, int status, String code)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("code").asText()).isEqualTo(code);
    return problem;
  }
}
