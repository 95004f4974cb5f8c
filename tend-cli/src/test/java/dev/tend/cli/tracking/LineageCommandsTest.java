package dev.tend.cli.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import dev.tend.server.config.TendConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tend data history} and {@code tend data lineage} end to end: a real Tend server started
 * in-process, versions pushed and aliases moved with the CLI, usages recorded over raw HTTP.
 */
class LineageCommandsTest {
  static final String PROJECT = "flights";
  static final AtomicInteger DATASETS = new AtomicInteger();
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path serverDir;
  static LocalServer server;
  static String admin;

  @BeforeAll
  static void startServer() {
    TendConfig defaults = TendConfig.forDataDir(serverDir);
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            TendConfig.DEFAULT_MAX_REQUEST_BODY,
            Duration.ofSeconds(1),
            serverDir,
            defaults.metadataUrl(),
            defaults.artifactsDir(),
            false);
    server = LocalServer.start(config, Optional.empty());
    admin = server.bootstrap().orElseThrow().plainText();
    ok("project", "create", PROJECT);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  static Cli.Result tend(Object... args) {
    Map<String, String> environment = new HashMap<>();
    environment.put("TEND_URL", server.uri().toString());
    environment.put("TEND_TOKEN", admin);
    environment.put("TEND_PROJECT", PROJECT);
    return Cli.runWith(environment, args);
  }

  static Cli.Result ok(Object... args) {
    Cli.Result result = tend(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  /** A new dataset with two pushed versions. */
  static String datasetWithTwoVersions() {
    Path penguins = Cli.sharedData("penguins.json");
    String name = "lin" + DATASETS.incrementAndGet();
    ok("data", "create", name);
    assertThat(ok("data", "push", name, penguins).out()).contains("Version 1: accepted");
    assertThat(ok("data", "push", name, penguins).out()).contains("Version 2: accepted");
    return name;
  }

  /** Records a usage the way a training job would: a raw POST to the usages route. */
  static HttpResponse<String> recordUsage(String dataset, String ref, String kind, String id)
      throws IOException, InterruptedException {
    URI uri =
        server
            .uri()
            .resolve(
                "/api/v1/projects/"
                    + PROJECT
                    + "/datasets/"
                    + dataset
                    + "/versions/"
                    + ref
                    + "/usages");
    String body = JSON.writeValueAsString(JSON.createObjectNode().put("kind", kind).put("id", id));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + admin)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  @Test
  void historyListsAliasMovesNewestFirstWithWhoAndWhy() {
    String name = datasetWithTwoVersions();
    ok("data", "alias", name, "production", "1", "--reason", "first release");
    ok("data", "alias", name, "production", "2", "--reason", "retrained on fresh data");
    ok("data", "rollback", name, "--to", "1", "--reason", "v2 drops the Adelie rows");

    JsonNode json = ok("data", "history", name, "production", "--format", "json").json();
    assertThat(json.get("dataset").asText()).isEqualTo(name);
    assertThat(json.get("alias").asText()).isEqualTo("production");
    List<String> reasons = new ArrayList<>();
    List<Integer> versions = new ArrayList<>();
    List<String> previous = new ArrayList<>();
    for (JsonNode move : json.get("moves")) {
      reasons.add(move.get("reason").asText());
      versions.add(move.get("version").asInt());
      previous.add(
          move.get("previous_version").isNull() ? "-" : move.get("previous_version").asText());
      assertThat(move.get("moved_by").asText()).isNotBlank();
      assertThat(move.get("forced").asBoolean()).isFalse();
      assertThat(move.get("moved_at").asText()).isNotBlank();
    }
    assertThat(versions).containsExactly(1, 2, 1);
    assertThat(previous).containsExactly("2", "1", "-");
    assertThat(reasons)
        .containsExactly("v2 drops the Adelie rows", "retrained on fresh data", "first release");

    String table = ok("data", "history", name, "production").out();
    String[] lines = table.split("\n");
    assertThat(lines[0]).contains("VERSION", "PREVIOUS", "BY", "REASON", "FORCED", "MOVED AT");
    assertThat(lines).hasSize(4);
    assertThat(lines[1]).contains("v2 drops the Adelie rows");
    assertThat(lines[3]).contains("first release");
  }

  @Test
  void historyOfAnUnknownAliasOrDatasetIsAUsageError() {
    String name = datasetWithTwoVersions();

    Cli.Result unknownAlias = tend("data", "history", name, "production");
    Cli.assertCleanUsageError(unknownAlias);
    assertThat(unknownAlias.err()).contains("has no alias 'production'");

    Cli.assertCleanUsageError(tend("data", "history", "no-such-dataset", "production"));
    Cli.Result bad = tend("data", "history", name, "bad alias!");
    Cli.assertCleanUsageError(bad);
    assertThat(bad.err().lines()).hasSize(1);
  }

  @Test
  void lineageListsTheRunsAndModelVersionsThatUsedAVersion() throws Exception {
    String name = datasetWithTwoVersions();
    ok("data", "alias", name, "production", "2", "--reason", "go live");
    assertThat(recordUsage(name, "1", "run", "run-early").statusCode()).isEqualTo(201);
    assertThat(recordUsage(name, "2", "run", "run-abc123").statusCode()).isEqualTo(201);
    assertThat(recordUsage(name, "production", "model_version", "churn/3").statusCode())
        .isEqualTo(201);
    assertThat(recordUsage(name, "2", "run", "run-abc123").statusCode()).isEqualTo(200);

    JsonNode json = ok("data", "lineage", name + "@production", "--format", "json").json();
    assertThat(json.get("dataset").asText()).isEqualTo(name);
    assertThat(json.get("ref").asText()).isEqualTo("production");
    List<String> usedBy = new ArrayList<>();
    for (JsonNode usage : json.get("used_by")) {
      usedBy.add(usage.get("kind").asText() + ":" + usage.get("id").asText());
      assertThat(usage.get("recorded_at").asText()).isNotBlank();
    }
    assertThat(usedBy).containsExactlyInAnyOrder("run:run-abc123", "model_version:churn/3");

    String table = ok("data", "lineage", name + "@2").out();
    assertThat(table).contains("KIND", "ID", "RECORDED AT", "run-abc123", "churn/3");
    assertThat(table).doesNotContain("run-early");
    assertThat(table.lines()).hasSize(3);

    assertThat(ok("data", "lineage", name + "@1").out()).contains("run-early");
  }

  @Test
  void lineageOfAnUnusedVersionSaysSo() {
    String name = datasetWithTwoVersions();
    assertThat(ok("data", "lineage", name + "@1").out())
        .isEqualTo("No run or model version has used " + name + "@1 yet.\n");
    assertThat(ok("data", "lineage", name + "@1", "--format", "json").json().get("used_by"))
        .isEmpty();
  }

  @Test
  void lineageOfABadOrUnknownReferenceIsAUsageError() {
    String name = datasetWithTwoVersions();
    for (String ref : List.of(name + "@0", name + "@9", name + "@nope", "bad name@1")) {
      Cli.Result result = tend("data", "lineage", ref);
      Cli.assertCleanUsageError(result);
      assertThat(result.err().lines()).as(ref).hasSize(1);
    }
    Cli.Result format = tend("data", "lineage", name + "@1", "--format", "xml");
    Cli.assertCleanUsageError(format);
  }

  @Test
  void lineageOfARunOrModelVersionListsTheDatasetVersionsItUsed() throws Exception {
    String first = datasetWithTwoVersions();
    String second = datasetWithTwoVersions();
    String run = "run-" + first;
    assertThat(recordUsage(first, "2", "run", run).statusCode()).isEqualTo(201);
    assertThat(recordUsage(second, "1", "run", run).statusCode()).isEqualTo(201);
    assertThat(recordUsage(second, "2", "model_version", "mv-" + second).statusCode())
        .isEqualTo(201);

    JsonNode json = ok("lineage", "run", run, "--format", "json").json();
    assertThat(json.get("kind").asText()).isEqualTo("run");
    assertThat(json.get("id").asText()).isEqualTo(run);
    List<String> used = new ArrayList<>();
    for (JsonNode version : json.get("dataset_versions")) {
      assertThat(version.get("project").asText()).isEqualTo(PROJECT);
      assertThat(version.get("status").asText()).isEqualTo("accepted");
      used.add(version.get("dataset").asText() + "@" + version.get("version").asInt());
    }
    assertThat(used).containsExactlyInAnyOrder(first + "@2", second + "@1");

    String table = ok("lineage", "model-version", "mv-" + second).out();
    assertThat(table).contains("PROJECT", "DATASET", "VERSION", second, "accepted");
    assertThat(table.lines()).hasSize(2);

    assertThat(ok("lineage", "run", "never-recorded").out())
        .isEqualTo("No dataset version is recorded as used by run never-recorded.\n");
    Cli.Result spaces = tend("lineage", "run", "has space");
    Cli.assertCleanUsageError(spaces);
    assertThat(spaces.err().lines()).hasSize(1);
  }
}
