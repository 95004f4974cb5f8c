package dev.tend.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.server.config.TendConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server through real HTTP on a loopback port: health, problems, auth, paging, replay. */
class ServerHttpTest {
  static final long LIMIT = 64 * 1024;
  static final Principal ADMIN = new Principal("u-admin", "admin", true);
  static final Principal VIEWER = new Principal("u-viewer", "viewer", false);
  static final Principal EDITOR = new Principal("u-editor", "editor", false);

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @TempDir static Path dataDir;
  static TestModule module;
  static TendServer server;
  static TendServer anonymous;

  @BeforeAll
  static void start() {
    InMemoryAuth auth =
        new InMemoryAuth()
            .token("admin-token", ADMIN)
            .token("viewer-token", VIEWER)
            .token("editor-token", EDITOR)
            .role(VIEWER, "alpha", Role.VIEWER)
            .role(EDITOR, "alpha", Role.EDITOR);
    ServerServices services = new ServerServices(auth, auth, new InMemoryIdempotencyStore());
    TendConfig config = TendConfig.forDataDir(dataDir).withPort(0).withMaxRequestBodyBytes(LIMIT);
    module = new TestModule();
    server = TendServer.start(config, services, List.of(module));
    anonymous =
        TendServer.start(config.withAnonymousReads(true), services, List.of(new TestModule()));
  }

  @AfterAll
  static void stop() {
    server.close();
    anonymous.close();
  }

  @Test
  void healthSaysOkAndTheVersion() throws Exception {
    HttpResponse<String> response = send(server, "GET", "/api/v1/health", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asText()).isEqualTo("ok");
    assertThat(body.get("version").asText()).isNotBlank();
  }

  @Test
  void unknownRouteIsANotFoundProblem() throws Exception {
    HttpResponse<String> response = send(server, "GET", "/api/v1/nothing-here", null, null);
    JsonNode problem = problem(response, 404, "not-found");
    assertThat(problem.get("detail").asText()).contains("/api/v1/nothing-here");
    assertThat(problem.get("instance").asText()).isEqualTo("/api/v1/nothing-here");
    assertThat(problem.get("type").asText()).isEqualTo("https://tend.dev/problems/not-found");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.has("errors")).as("empty errors are left out").isFalse();
  }

  @Test
  void wrongMethodIsAMethodNotAllowedProblemListingTheAllowedOnes() throws Exception {
    HttpResponse<String> response = send(server, "DELETE", "/api/v1/health", null, null);
    problem(response, 405, "method-not-allowed");
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void malformedJsonIsABadRequestNamingThePosition() throws Exception {
    HttpResponse<String> response =
        send(
            server,
            "POST",
            "/api/v1/projects/alpha/items",
            "editor-token",
            "{\"name\": \"a\",\n \"size\": }");
    JsonNode problem = problem(response, 400, "malformed-request");
    assertThat(problem.get("detail").asText()).contains("line 2, column");
  }

  @Test
  void jsonThatDoesNotFitIsAValidationProblemNamingTheMember() throws Exception {
    HttpResponse<String> unknown =
        send(
            server,
            "POST",
            "/api/v1/projects/alpha/items",
            "editor-token",
            "{\"name\":\"a\",\"size\":1,\"colour\":1}");
    JsonNode problem = problem(unknown, 422, "validation-failed");
    assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("/colour");
    assertThat(problem.get("errors").get(0).get("in").asText()).isEqualTo("body");

    HttpResponse<String> blank =
        send(
            server,
            "POST",
            "/api/v1/projects/alpha/items",
            "editor-token",
            "{\"name\":\" \",\"size\":1}");
    assertThat(problem(blank, 422, "validation-failed").get("detail").asText())
        .contains("name must not be blank");
  }

  @Test
  void aBodyThatIsNotJsonIsAnUnsupportedMediaTypeProblem() throws Exception {
    HttpRequest request =
        request(server, "/api/v1/projects/alpha/items", "editor-token")
            .header("Content-Type", "text/plain")
            .POST(BodyPublishers.ofString("name=a"))
            .build();
    problem(CLIENT.send(request, BodyHandlers.ofString()), 415, "unsupported-media-type");
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() throws Exception {
    assertTooLarge(BodyPublishers.ofByteArray(new byte[(int) LIMIT + 1]));
  }

  @Test
  void aChunkedBodyOverTheLimitIsRefusedWithAProblem() throws Exception {
    byte[] over = new byte[(int) LIMIT + 1024];
    /* A stream publisher has no length, so the client sends the body chunked. */
    assertTooLarge(BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(over)));
  }

  /* A blob upload of `body` must be refused with the 413 problem naming the limit. */
  private static void assertTooLarge(HttpRequest.BodyPublisher body) throws Exception {
    HttpRequest request =
        request(server, "/api/v1/projects/alpha/blob", "editor-token")
            .header("Content-Type", "application/octet-stream")
            .PUT(body)
            .build();
    JsonNode problem =
        problem(CLIENT.send(request, BodyHandlers.ofString()), 413, "payload-too-large");
    assertThat(problem.get("detail").asText()).contains("64 KiB");
  }

  /*
   * Against a client that never stops sending, the server answers 413 and closes the connection;
   * whether the client reads the answer before the close depends on timing (an HTTP/1.1 client
   * busy writing may see only the reset, as Jetty's issue 12079 explains). What must hold either
   * way: the server stopped reading near the limit and keeps serving.
   */
  @Test
  void anEndlessChunkedBodyIsCutOffAfterTheLimitWithoutBeingBuffered() throws Exception {
    AtomicLong sent = new AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            sent.incrementAndGet();
            return 'x';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            sent.addAndGet(len);
            return len;
          }
        };
    BodyPublisher chunked = BodyPublishers.ofInputStream(() -> endless);
    HttpRequest request =
        request(server, "/api/v1/projects/alpha/blob", "editor-token")
            .header("Content-Type", "application/octet-stream")
            .timeout(Duration.ofSeconds(20))
            .PUT(chunked)
            .build();
    try {
      problem(CLIENT.send(request, BodyHandlers.ofString()), 413, "payload-too-large");
    } catch (java.io.IOException closedWhileSending) {
      assertThat(closedWhileSending).isNotInstanceOf(java.net.http.HttpTimeoutException.class);
    }
    assertThat(sent.get()).isLessThan(64L * 1024 * 1024);
    HttpRequest small =
        request(server, "/api/v1/projects/alpha/blob", "editor-token")
            .PUT(BodyPublishers.ofByteArray(new byte[16]))
            .build();
    assertThat(CLIENT.send(small, BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void aBodyWithinTheLimitIsRead() throws Exception {
    HttpRequest request =
        request(server, "/api/v1/projects/alpha/blob", "editor-token")
            .PUT(BodyPublishers.ofByteArray(new byte[(int) LIMIT]))
            .build();
    HttpResponse<String> response = CLIENT.send(request, BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(response.body()).get("bytes").asLong()).isEqualTo(LIMIT);
  }

  @Test
  void anUnexpectedFailureIsAnInternalProblemWithAnIncidentIdAndNoInternals() throws Exception {
    HttpResponse<String> response = send(server, "GET", "/api/v1/boom", null, null);
    JsonNode problem = problem(response, 500, "internal");
    String incident = problem.get("incident_id").asText();
    assertThat(incident).isNotBlank();
    assertThat(problem.get("detail").asText()).contains(incident);
    assertThat(response.body())
        .doesNotContain(TestModule.SECRET)
        .doesNotContain("IllegalStateException")
        .doesNotContain("java.")
        .doesNotContain("\tat ")
        .doesNotContain("TestModule");
  }

  @Test
  void aProtectedRouteWithoutATokenIsUnauthorizedWithABearerChallenge() throws Exception {
    HttpResponse<String> response = send(server, "GET", "/api/v1/projects/alpha/items", null, null);
    problem(response, 401, "unauthorized");
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
  }

  @Test
  void anUnknownOrMalformedTokenIsUnauthorized() throws Exception {
    HttpResponse<String> unknown =
        send(server, "GET", "/api/v1/projects/alpha/items", "not-a-token", null);
    problem(unknown, 401, "unauthorized");
    assertThat(unknown.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    HttpRequest basic =
        request(server, "/api/v1/projects/alpha/items", null)
            .header("Authorization", "Basic dXNlcjpwYXNz")
            .GET()
            .build();
    problem(CLIENT.send(basic, BodyHandlers.ofString()), 401, "unauthorized");
  }

  @Test
  void aTokenWithoutTheRoleIsForbidden() throws Exception {
    problem(
        send(
            server,
            "POST",
            "/api/v1/projects/alpha/items",
            "viewer-token",
            "{\"name\":\"a\",\"size\":1}"),
        403,
        "forbidden");
    problem(
        send(server, "GET", "/api/v1/projects/beta/items", "viewer-token", null), 403, "forbidden");
    problem(
        send(server, "DELETE", "/api/v1/projects/alpha", "editor-token", null), 403, "forbidden");
    problem(
        send(server, "DELETE", "/api/v1/projects/alpha", "admin-token", null), 404, "not-found");
    assertThat(
            send(server, "GET", "/api/v1/projects/alpha/items", "viewer-token", null).statusCode())
        .isEqualTo(200);
  }

  @Test
  void anonymousReadsAnswerOnlyWhenConfiguredAndNeverForWrites() throws Exception {
    assertThat(send(anonymous, "GET", "/api/v1/projects/alpha/items", null, null).statusCode())
        .isEqualTo(200);
    problem(
        send(
            anonymous, "POST", "/api/v1/projects/alpha/items", null, "{\"name\":\"a\",\"size\":1}"),
        401,
        "unauthorized");
    problem(send(server, "GET", "/api/v1/projects/alpha/items", null, null), 401, "unauthorized");
  }

  @Test
  void pagesFollowTheNextLinkToTheEnd() throws Exception {
    List<Integer> ids = new ArrayList<>();
    String path = "/api/v1/projects/alpha/items?limit=50";
    int pages = 0;
    while (path != null) {
      HttpResponse<String> response = send(server, "GET", path, "viewer-token", null);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(response.body());
      body.get("items").forEach(item -> ids.add(item.get("id").asInt()));
      pages++;
      var link = response.headers().firstValue("Link");
      if (body.has("next_cursor")) {
        Matcher m = Pattern.compile("<([^>]+)>; rel=\"next\"").matcher(link.orElseThrow());
        assertThat(m.matches()).isTrue();
        path = m.group(1);
        assertThat(path).contains("limit=50");
        String cursor = path.replaceAll(".*cursor=([^&]*).*", "$1");
        assertThat(URLDecoder.decode(cursor, StandardCharsets.UTF_8))
            .isEqualTo(body.get("next_cursor").asText());
      } else {
        assertThat(link).isEmpty();
        path = null;
      }
    }
    assertThat(pages).isEqualTo(3);
    assertThat(ids).hasSize(TestModule.ITEMS).doesNotHaveDuplicates().isSorted();
  }

  @Test
  void badPagingParametersAreValidationProblems() throws Exception {
    for (String limit : List.of("0", "501", "ten")) {
      JsonNode problem =
          problem(
              send(
                  server,
                  "GET",
                  "/api/v1/projects/alpha/items?limit=" + limit,
                  "viewer-token",
                  null),
              422,
              "validation-failed");
      assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("limit");
    }
    JsonNode problem =
        problem(
            send(
                server,
                "GET",
                "/api/v1/projects/alpha/items?cursor=garbage!",
                "viewer-token",
                null),
            422,
            "validation-failed");
    assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("cursor");
  }

  @Test
  void aRetryWithTheSameKeyReplaysTheFirstResponse() throws Exception {
    String body = "{\"name\":\"model\",\"size\":3}";
    HttpResponse<String> first = sendWithKey("key-1", body);
    HttpResponse<String> again = sendWithKey("key-1", body);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.headers().firstValue("Location"))
        .isEqualTo(first.headers().firstValue("Location"));
    assertThat(again.headers().firstValue("Idempotency-Replayed")).hasValue("true");
    assertThat(first.headers().firstValue("Idempotency-Replayed")).isEmpty();
    int id = JSON.readTree(first.body()).get("id").asInt();
    HttpResponse<String> other = sendWithKey("key-2", body);
    assertThat(JSON.readTree(other.body()).get("id").asInt()).isEqualTo(id + 1);
  }

  @Test
  void theSameKeyWithADifferentBodyIsRefused() throws Exception {
    assertThat(sendWithKey("key-3", "{\"name\":\"a\",\"size\":1}").statusCode()).isEqualTo(201);
    problem(sendWithKey("key-3", "{\"name\":\"b\",\"size\":1}"), 422, "idempotency-key-reused");
  }

  @Test
  void aFailedRequestDoesNotUseUpItsKey() throws Exception {
    problem(sendWithKey("key-4", "{\"name\":\" \",\"size\":1}"), 422, "validation-failed");
    assertThat(sendWithKey("key-4", "{\"name\":\"fixed\",\"size\":1}").statusCode()).isEqualTo(201);
  }

  private static HttpResponse<String> sendWithKey(String key, String body) throws Exception {
    HttpRequest request =
        request(server, "/api/v1/projects/alpha/items", "editor-token")
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(BodyPublishers.ofString(body))
            .build();
    return CLIENT.send(request, BodyHandlers.ofString());
  }

  static JsonNode problem(HttpResponse<String> response, int status, String code)
      throws IOException {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.get("code").asText()).isEqualTo(code);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("type").asText()).isEqualTo("https://tend.dev/problems/" + code);
    return problem;
  }

  static HttpRequest.Builder request(TendServer target, String path, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(target.uri() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder;
  }

  static HttpResponse<String> send(
      TendServer target, String method, String path, String token, String json) throws Exception {
    HttpRequest.Builder builder = request(target, path, token);
    if (json != null) {
      builder.header("Content-Type", "application/json");
    }
    builder.method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json));
    return CLIENT.send(builder.build(), BodyHandlers.ofString());
  }
}
