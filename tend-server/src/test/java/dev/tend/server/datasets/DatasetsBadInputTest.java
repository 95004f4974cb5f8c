package dev.tend.server.datasets;

import static dev.tend.server.datasets.DatasetsServer.json;
import static dev.tend.server.datasets.DatasetsServer.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * Bad input on every projects and datasets route: each request gets a 4xx problem with a stable
 * code, and no row or blob is stored. One table, run on SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class DatasetsBadInputTest {
  static final String P = "/api/v1/projects/flights";
  static final String D = P + "/datasets/trips";
  static final String GOOD = "id,delay\n1,5\n2,10\n";
  static final String NO_DELAY = "id,speed\n1,5\n2,10\n";
  static final String SUITE =
      "version: 1\nchecks:\n  - between: {column: delay, min: -120, max: 1800}\n";
  static final String LONG = "a".repeat(65);
  static final List<String> TABLES =
      List.of(
          "projects",
          "datasets",
          "dataset_versions",
          "version_files",
          "dataset_aliases",
          "alias_history",
          "version_usages",
          "audit_events",
          "idempotency_keys");

  /** A request and the problem it must get. */
  record Case(
      String method, String path, String body, String contentType, int status, String code) {
    static Case of(String method, String path, String body, int status, String code) {
      return new Case(method, path, body, body == null ? null : "application/json", status, code);
    }

    @Override
    public String toString() {
      return method + " " + path + (body == null ? "" : " " + body);
    }
  }

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  DatasetsServer api;

  @BeforeEach
  void start() throws Exception {
    api = DatasetsServer.start(database, dataDir, 64 * 1024);
    json(api.send("POST", "/api/v1/projects", null, "{\"name\": \"flights\"}"), 201);
    api.createDataset(D, Optional.of(SUITE));
    api.push(D, GOOD, "trips.csv");
    api.upload(NO_DELAY);
    api.upload("");
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    String sha = sha256(GOOD);
    // Projects: names with separators, control characters, dots, over-long; bodies of wrong shape.
    for (String name : List.of("a%2Fb", "a%5Cb", "a%0Ab", "..", "%2E%2E", "Upper", LONG)) {
      cases.add(Case.of("GET", "/api/v1/projects/" + name, null, 422, "validation-failed"));
      cases.add(Case.of("PUT", P + "/datasets/" + name, null, 422, "validation-failed"));
      cases.add(
          Case.of("GET", "/api/v1/projects/" + name + "/datasets", null, 422, "validation-failed"));
    }
    // A percent-encoded NUL never reaches a route: Jetty refuses the request.
    cases.add(Case.of("GET", "/api/v1/projects/a%00b", null, 400, "malformed-request"));
    cases.add(Case.of("PUT", P + "/datasets/a%00b", null, 400, "malformed-request"));
    cases.add(Case.of("GET", D + "/versions/a%00/lineage", null, 400, "malformed-request"));
    cases.add(Case.of("GET", "/api/v1/lineage/run/a%00", null, 400, "malformed-request"));
    cases.add(Case.of("GET", "/api/v1/projects/nope/datasets", null, 404, "not-found"));
    cases.add(Case.of("GET", P + "/datasets/nope", null, 404, "not-found"));
    cases.add(Case.of("POST", "/api/v1/projects", "{\"name\": \"a/b\"}", 422, "validation-failed"));
    cases.add(
        Case.of(
            "POST", "/api/v1/projects", "{\"name\": \"" + LONG + "\"}", 422, "validation-failed"));
    cases.add(Case.of("POST", "/api/v1/projects", "{\"name\": 5}", 422, "validation-failed"));
    cases.add(Case.of("POST", "/api/v1/projects", "{\"name\": \"x\"", 400, "malformed-request"));
    cases.add(
        Case.of(
            "POST",
            "/api/v1/projects",
            "{\"name\": \"x\", \"owner\": 1}",
            422,
            "validation-failed"));
    cases.add(
        new Case(
            "POST",
            "/api/v1/projects",
            "{\"name\": \"x\"}",
            "text/plain",
            415,
            "unsupported-media-type"));
    cases.add(
        Case.of(
            "POST",
            "/api/v1/projects",
            "{\"name\": \"x\", \"description\": \"" + "d".repeat(70_000) + "\"}",
            413,
            "payload-too-large"));
    // Datasets.
    cases.add(Case.of("PUT", D, "{\"suite\": 5}", 422, "validation-failed"));
    cases.add(
        Case.of("PUT", D, "{\"suite\": \"version: 1\\nchecks: [[\"}", 422, "validation-failed"));
    cases.add(Case.of("PUT", D, "[]", 422, "validation-failed"));
    cases.add(Case.of("PUT", P + "/datasets/new", "{\"suite\": ", 400, "malformed-request"));
    // Blobs.
    for (String method : List.of("GET", "PUT", "HEAD")) {
      cases.add(Case.of(method, "/api/v1/blobs/ABC", null, 422, "validation-failed"));
      cases.add(
          Case.of(
              method,
              "/api/v1/blobs/" + sha.toUpperCase(java.util.Locale.ROOT),
              null,
              422,
              "validation-failed"));
    }
    cases.add(
        new Case(
            "PUT",
            "/api/v1/blobs/" + sha256("x".repeat(70_000)),
            "x".repeat(70_000),
            "application/octet-stream",
            413,
            "payload-too-large"));
    // Versions: empty files, data the suite cannot apply to, malformed bodies.
    cases.add(
        Case.of(
            "POST",
            D + "/versions",
            version(sha256(""), 0, "empty.csv"),
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions",
            version(sha256(NO_DELAY), NO_DELAY.length(), "t.csv"),
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions",
            version(sha, GOOD.length(), "../t.csv"),
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions",
            version(sha, GOOD.length(), "a\\u0000.csv"),
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions",
            version(sha, GOOD.length(), "/etc/t.csv"),
            422,
            "validation-failed"));
    cases.add(Case.of("POST", D + "/versions", "{\"files\": []}", 422, "validation-failed"));
    cases.add(Case.of("POST", D + "/versions", "{\"files\": \"t.csv\"}", 422, "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions",
            "{\"files\": [{\"path\": \"t.csv\", \"size\": \"big\", \"sha256\": \"" + sha + "\"}]}",
            422,
            "validation-failed"));
    cases.add(Case.of("POST", D + "/versions", "{\"files\": [", 400, "malformed-request"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions",
            "{\"files\": [{\"path\": \"t.csv\", \"size\": 1, \"sha256\": \"" + sha + "\"}]}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions",
            "{\"files\": [" + (",{\"path\": \"t.csv\"}".repeat(5000).substring(1)) + "]}",
            413,
            "payload-too-large"));
    cases.add(
        Case.of(
            "POST",
            P + "/datasets/nope/versions",
            version(sha, GOOD.length(), "t.csv"),
            404,
            "not-found"));
    // Version references.
    for (String ref : List.of("0", "-1", "99999999999", "a%2Fb", "a%0D", "Latest", LONG, "..")) {
      cases.add(Case.of("GET", D + "/versions/" + ref, null, 422, "validation-failed"));
      cases.add(
          Case.of("GET", D + "/versions/" + ref + "/lineage", null, 422, "validation-failed"));
      cases.add(Case.of("GET", D + "/diff?from=1&to=" + ref, null, 422, "validation-failed"));
    }
    for (String ref : List.of("2", "production", "staging")) {
      cases.add(Case.of("GET", D + "/versions/" + ref, null, 404, "not-found"));
      cases.add(Case.of("GET", D + "/diff?from=" + ref + "&to=1", null, 404, "not-found"));
      cases.add(
          Case.of(
              "POST",
              D + "/versions/" + ref + "/usages",
              "{\"kind\": \"run\", \"id\": \"r1\"}",
              404,
              "not-found"));
    }
    cases.add(Case.of("GET", D + "/diff", null, 422, "validation-failed"));
    cases.add(Case.of("GET", D + "/diff?from=1", null, 422, "validation-failed"));
    // Aliases and rollback.
    for (String alias : List.of("123", "Prod", "a%2Fb", "a%0A", LONG)) {
      cases.add(
          Case.of(
              "PUT",
              D + "/aliases/" + alias,
              "{\"version\": 1, \"reason\": \"r\"}",
              422,
              "validation-failed"));
      cases.add(
          Case.of("GET", D + "/aliases/" + alias + "/history", null, 422, "validation-failed"));
    }
    cases.add(Case.of("GET", D + "/aliases/staging/history", null, 404, "not-found"));
    cases.add(
        Case.of(
            "PUT", D + "/aliases/production", "{\"version\": \"one\"}", 422, "validation-failed"));
    cases.add(Case.of("PUT", D + "/aliases/production", "{\"version\": 7}", 404, "not-found"));
    cases.add(
        Case.of(
            "POST", D + "/rollback", "{\"to\": 1, \"reason\": \"\"}", 422, "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/rollback",
            "{\"to\": 1, \"reason\": \"" + "r".repeat(1001) + "\"}",
            422,
            "validation-failed"));
    cases.add(Case.of("POST", D + "/rollback", "{\"to\": 1}", 422, "validation-failed"));
    cases.add(Case.of("POST", D + "/rollback", "{\"reason\": \"r\"}", 422, "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/rollback",
            "{\"to\": true, \"reason\": \"r\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST", D + "/rollback", "{\"to\": 1.5, \"reason\": \"r\"}", 422, "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/rollback",
            "{\"to\": \"a/b\", \"reason\": \"r\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/rollback",
            "{\"to\": 1, \"reason\": \"r\", \"alias\": \"12\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/rollback",
            "{\"to\": 1, \"reason\": \"r\", \"force\": \"yes\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST", D + "/rollback", "{\"to\": 1, \"reason\": \"r\"", 400, "malformed-request"));
    cases.add(Case.of("POST", D + "/rollback", "{\"to\": 3, \"reason\": \"r\"}", 404, "not-found"));
    cases.add(
        Case.of(
            "POST", D + "/rollback", "{\"to\": \"staging\", \"reason\": \"r\"}", 404, "not-found"));
    cases.add(
        new Case(
            "POST",
            D + "/rollback",
            "to=1",
            "application/x-www-form-urlencoded",
            415,
            "unsupported-media-type"));
    // Lineage.
    cases.add(
        Case.of(
            "POST",
            D + "/versions/1/usages",
            "{\"kind\": \"job\", \"id\": \"r1\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions/1/usages",
            "{\"kind\": \"run\", \"id\": \"\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions/1/usages",
            "{\"kind\": \"run\", \"id\": \"a b\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions/1/usages",
            "{\"kind\": \"run\", \"id\": \"a\\u0001\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions/1/usages",
            "{\"kind\": \"run\", \"id\": \"" + "i".repeat(129) + "\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions/1/usages",
            "{\"kind\": 1, \"id\": \"r1\"}",
            422,
            "validation-failed"));
    cases.add(
        Case.of("POST", D + "/versions/1/usages", "{\"kind\": \"run\"}", 422, "validation-failed"));
    cases.add(
        Case.of(
            "POST",
            D + "/versions/1/usages",
            "{\"kind\": \"run\", \"id\": \"r1\", \"x\": 1}",
            422,
            "validation-failed"));
    cases.add(Case.of("POST", D + "/versions/1/usages", "{", 400, "malformed-request"));
    cases.add(Case.of("GET", "/api/v1/lineage/job/r1", null, 422, "validation-failed"));
    cases.add(Case.of("GET", "/api/v1/lineage/run/a%01", null, 422, "validation-failed"));
    cases.add(
        Case.of("GET", "/api/v1/lineage/run/" + "i".repeat(129), null, 422, "validation-failed"));
    return cases;
  }

  @Test
  void everyBadRequestIsAProblemWithAStableCodeAndStoresNothing() throws Exception {
    Map<String, Long> before = counts();
    List<String> wrong = new ArrayList<>();

    for (Case c : cases()) {
      HttpResponse<String> response;
      try {
        response = send(c);
      } catch (java.io.IOException e) {
        wrong.add(c + " -> no response: " + e);
        continue;
      }
      String type = response.headers().firstValue("Content-Type").orElse("");
      String problem = "";
      if (!c.method().equals("HEAD")) {
        if (!type.startsWith("application/problem+json")) {
          wrong.add(c + " -> " + response.statusCode() + " " + type + ": " + response.body());
          continue;
        }
        JsonNode body = DatasetsServer.JSON.readTree(response.body());
        problem = body.path("code").asText();
        if (body.path("detail").asText().isBlank()) {
          wrong.add(c + " -> no detail: " + response.body());
        }
      } else {
        problem = c.code();
      }
      if (response.statusCode() != c.status() || !problem.equals(c.code())) {
        wrong.add(c + " -> " + response.statusCode() + " " + response.body());
      }
    }

    assertThat(wrong).as("requests answered otherwise than expected").isEmpty();
    assertThat(counts()).isEqualTo(before);
    assertThat(cases()).hasSizeGreaterThan(100);
  }

  private Map<String, Long> counts() throws Exception {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : TABLES) {
      counts.put(table, api.rows(table));
    }
    counts.put("blobs", api.blobs());
    return counts;
  }

  /* A fresh client each time: Jetty closes the connection after a request it cannot parse. */
  private HttpResponse<String> send(Case c) throws Exception {
    HttpRequest.Builder request =
        api.request(c.method(), c.path(), null, api.admin)
            .method(
                c.method(),
                c.body() == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(c.body()));
    if (c.contentType() != null) {
      request.header("Content-Type", c.contentType());
    }
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      return client.send(request.build(), BodyHandlers.ofString());
    }
  }

  private static String version(String sha, long size, String path) {
    return "{\"files\": [{\"path\": \""
        + path
        + "\", \"size\": "
        + size
        + ", \"sha256\": \""
        + sha
        + "\"}]}";
  }
}
