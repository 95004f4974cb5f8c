package dev.tend.server.datasets;

import static dev.tend.server.datasets.DatasetsServer.json;
import static dev.tend.server.datasets.DatasetsServer.problem;
import static dev.tend.server.datasets.DatasetsServer.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.access.Role;
import dev.tend.audit.AuditEvent;
import dev.tend.audit.AuditLog;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Versions by alias, rollback, alias history, lineage both ways, blob probes and the default
 * project, through real HTTP on SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class RollbackAndLineageApiTest {
  static final String BASE = "/api/v1/projects/default/datasets/trips";
  static final String V1 = "id,delay\n1,5\n2,10\n3,-3\n";
  static final String V2 = "id,delay\n1,5\n2,10\n3,-3\n4,8\n";
  static final String BAD = "id,delay\n1,5\n2,9999\n";
  static final String SUITE =
      "version: 1\nchecks:\n  - between: {column: delay, min: -120, max: 1800}\n"
          + "    name: delay in range\n";

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  DatasetsServer api;

  @BeforeEach
  void start() throws Exception {
    api = DatasetsServer.start(database, dataDir);
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void theFirstStartCreatesTheDefaultProjectOnceAsTheAdmin() throws Exception {
    JsonNode project = json(api.send("GET", "/api/v1/projects/default", null, null), 200);
    assertThat(project.get("created_by").asText()).isEqualTo("admin");

    assertThat(api.store.bootstrap(Optional.empty())).isEmpty();
    assertThat(api.rows("projects")).isEqualTo(1);
  }

  @Test
  void aHeadOfABlobAnswersItsLengthOnlyWhenStored() throws Exception {
    api.upload(V1);

    HttpResponse<String> stored =
        api.client.send(
            api.request("HEAD", "/api/v1/blobs/" + sha256(V1), null, api.admin)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofString());
    HttpResponse<String> absent =
        api.client.send(
            api.request("HEAD", "/api/v1/blobs/" + sha256("absent"), null, api.admin)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            BodyHandlers.ofString());

    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(stored.headers().firstValueAsLong("Content-Length")).hasValue(V1.length());
    assertThat(stored.body()).isEmpty();
    assertThat(absent.statusCode()).isEqualTo(404);
    assertThat(absent.body()).isEmpty();
  }

  @Test
  void aVersionIsReadByNumberOrByAlias() throws Exception {
    api.createDataset(BASE, Optional.empty());
    api.push(BASE, V1, "trips.csv");
    api.push(BASE, V2, "trips.csv");
    json(
        api.send(
            "PUT", BASE + "/aliases/production", null, "{\"version\": 1, \"reason\": \"ship\"}"),
        200);

    assertThat(json(api.send("GET", BASE + "/versions/latest", null, null), 200).get("number"))
        .hasToString("2");
    assertThat(
            json(api.send("GET", BASE + "/versions/production", null, null), 200)
                .get("row_count")
                .asLong())
        .isEqualTo(3);
    assertThat(json(api.send("GET", BASE + "/versions/2", null, null), 200).get("row_count"))
        .hasToString("4");
    JsonNode unknown =
        problem(api.send("GET", BASE + "/versions/staging", null, null), 404, "not-found");
    assertThat(unknown.get("detail").asText()).contains("'staging'");
    JsonNode missing = problem(api.send("GET", BASE + "/versions/7", null, null), 404, "not-found");
    assertThat(missing.get("detail").asText()).contains("version 7");
  }

  @Test
  void aRollbackMovesProductionWithWhoAndWhyAndIsListedNewestFirst() throws Exception {
    api.createDataset(BASE, Optional.empty());
    api.push(BASE, V1, "trips.csv");
    api.push(BASE, V2, "trips.csv");
    json(
        api.send(
            "PUT", BASE + "/aliases/production", null, "{\"version\": 2, \"reason\": \"ship\"}"),
        200);
    String maintainer = api.tokenFor("mia", "default", Role.MAINTAINER);

    JsonNode moved =
        json(
            api.send(
                "POST",
                BASE + "/rollback",
                null,
                "{\"to\": 1, \"reason\": \"v2 broke the model\"}",
                maintainer),
            200);

    assertThat(moved.get("alias").asText()).isEqualTo("production");
    assertThat(moved.get("version").asInt()).isEqualTo(1);
    assertThat(moved.get("previous_version").asInt()).isEqualTo(2);
    assertThat(moved.get("moved_by").asText()).isEqualTo("mia");
    assertThat(moved.get("reason").asText()).isEqualTo("v2 broke the model");
    assertThat(moved.get("forced").asBoolean()).isFalse();
    assertThat(moved.has("moved_at")).isTrue();
    assertThat(api.aliases(BASE).get("production").asInt()).isEqualTo(1);
    JsonNode history = json(api.send("GET", BASE + "/aliases/production/history", null, null), 200);
    assertThat(history.get("items")).hasSize(2);
    assertThat(history.at("/items/0/version").asInt()).isEqualTo(1);
    assertThat(history.at("/items/0/moved_by").asText()).isEqualTo("mia");
    assertThat(history.at("/items/1/version").asInt()).isEqualTo(2);
    assertThat(history.at("/items/1/previous_version").isMissingNode()).isTrue();
    List<AuditEvent> audit =
        AuditLog.of(api.store.database())
            .list(Optional.of(projectId()), Optional.empty(), 100)
            .items();
    assertThat(audit)
        .anySatisfy(
            e -> {
              assertThat(e.action()).isEqualTo("dataset.alias.move");
              assertThat(e.actor()).isEqualTo("mia");
              assertThat(e.detailsJson()).contains("v2 broke the model");
            });

    JsonNode toAlias =
        json(
            api.send(
                "POST",
                BASE + "/rollback",
                null,
                "{\"to\": \"latest\", \"alias\": \"canary\", \"reason\": \"try v2\"}"),
            200);
    assertThat(toAlias.get("version").asInt()).isEqualTo(2);
    assertThat(toAlias.has("previous_version")).isFalse();
  }

  @Test
  void aRollbackToARejectedVersionNeedsForceAndAReason() throws Exception {
    api.createDataset(BASE, Optional.of(SUITE));
    api.push(BASE, V1, "trips.csv");
    assertThat(api.push(BASE, BAD, "trips.csv").get("status").asText()).isEqualTo("rejected");
    long moves = api.rows("alias_history");

    problem(
        api.send("POST", BASE + "/rollback", null, "{\"to\": 2, \"reason\": \"try\"}"),
        409,
        "conflict");
    JsonNode blank =
        problem(
            api.send("POST", BASE + "/rollback", null, "{\"to\": 1, \"reason\": \"  \"}"),
            422,
            "validation-failed");
    assertThat(blank.at("/errors/0/field").asText()).isEqualTo("/reason");
    problem(api.send("POST", BASE + "/rollback", null, "{\"to\": 1}"), 422, "validation-failed");
    problem(
        api.send("POST", BASE + "/rollback", null, "{\"to\": 9, \"reason\": \"x\"}"),
        404,
        "not-found");
    problem(
        api.send(
            "POST",
            BASE + "/rollback",
            null,
            "{\"to\": 1, \"reason\": \"x\"}",
            api.tokenFor("eddie", "default", Role.EDITOR)),
        403,
        "forbidden");
    assertThat(api.rows("alias_history")).isEqualTo(moves);

    JsonNode forced =
        json(
            api.send(
                "POST",
                BASE + "/rollback",
                null,
                "{\"to\": 2, \"reason\": \"known false alarm\", \"force\": true}"),
            200);
    assertThat(forced.get("forced").asBoolean()).isTrue();
    assertThat(api.aliases(BASE).get("production").asInt()).isEqualTo(2);
  }

  @Test
  void theHistoryOfAnUnknownAliasIsNotFound() throws Exception {
    api.createDataset(BASE, Optional.empty());
    api.push(BASE, V1, "trips.csv");

    assertThat(
            json(api.send("GET", BASE + "/aliases/latest/history", null, null), 200).get("items"))
        .hasSize(1);
    problem(api.send("GET", BASE + "/aliases/production/history", null, null), 404, "not-found");
  }

  @Test
  void usagesAreRecordedOnceAndReadBothWays() throws Exception {
    api.createDataset(BASE, Optional.empty());
    api.push(BASE, V1, "trips.csv");
    api.push(BASE, V2, "trips.csv");
    String editor = api.tokenFor("eddie", "default", Role.EDITOR);

    HttpResponse<String> first =
        api.send(
            "POST",
            BASE + "/versions/1/usages",
            null,
            "{\"kind\": \"run\", \"id\": \"run-42\"}",
            editor);
    HttpResponse<String> again =
        api.send(
            "POST",
            BASE + "/versions/1/usages",
            null,
            "{\"kind\": \"run\", \"id\": \"run-42\"}",
            editor);
    json(
        api.send(
            "POST",
            BASE + "/versions/latest/usages",
            null,
            "{\"kind\": \"run\", \"id\": \"run-42\"}",
            editor),
        201);
    json(
        api.send(
            "POST",
            BASE + "/versions/1/usages",
            null,
            "{\"kind\": \"model_version\", \"id\": \"delay/3\"}",
            editor),
        201);

    assertThat(json(first, 201).get("kind").asText()).isEqualTo("run");
    assertThat(json(again, 200).get("recorded_at").asText())
        .isEqualTo(json(first, 201).get("recorded_at").asText());
    JsonNode lineage = json(api.send("GET", BASE + "/versions/1/lineage", null, null), 200);
    assertThat(lineage.get("used_by"))
        .extracting(u -> u.get("kind").asText() + ":" + u.get("id").asText())
        .containsExactlyInAnyOrder("run:run-42", "model_version:delay/3");
    JsonNode reverse = json(api.send("GET", "/api/v1/lineage/run/run-42", null, null), 200);
    assertThat(reverse.get("dataset_versions"))
        .extracting(
            v ->
                v.get("project").asText()
                    + "/"
                    + v.get("dataset").asText()
                    + "@"
                    + v.get("version").asInt()
                    + ":"
                    + v.get("status").asText())
        .containsExactlyInAnyOrder("default/trips@1:accepted", "default/trips@2:accepted");
    assertThat(
            json(api.send("GET", "/api/v1/lineage/model_version/delay%2F3", null, null), 200)
                .get("dataset_versions"))
        .hasSize(1);
    assertThat(
            json(api.send("GET", "/api/v1/lineage/run/never", null, null), 200)
                .get("dataset_versions"))
        .isEmpty();
  }

  @Test
  void reverseLineageListsOnlyVersionsOfProjectsTheCallerMayRead() throws Exception {
    json(api.send("POST", "/api/v1/projects", null, "{\"name\": \"secret\"}"), 201);
    String other = "/api/v1/projects/secret/datasets/trips";
    for (String base : List.of(BASE, other)) {
      api.createDataset(base, Optional.empty());
      api.push(base, V1, "trips.csv");
      json(
          api.send(
              "POST", base + "/versions/1/usages", null, "{\"kind\": \"run\", \"id\": \"r1\"}"),
          201);
    }
    String viewer = api.tokenFor("vera", "default", Role.VIEWER);

    JsonNode seen = json(api.send("GET", "/api/v1/lineage/run/r1", null, null, viewer), 200);
    JsonNode all = json(api.send("GET", "/api/v1/lineage/run/r1", null, null), 200);

    assertThat(seen.get("dataset_versions"))
        .extracting(v -> v.get("project").asText())
        .containsExactly("default");
    assertThat(all.get("dataset_versions")).hasSize(2);
    problem(api.send("GET", "/api/v1/lineage/run/r1", null, null, null), 401, "unauthorized");
    problem(
        api.send(
            "POST",
            BASE + "/versions/1/usages",
            null,
            "{\"kind\": \"run\", \"id\": \"r2\"}",
            viewer),
        403,
        "forbidden");
  }

  private String projectId() {
    return api.store.projects().findByName("default").orElseThrow().id();
  }
}
