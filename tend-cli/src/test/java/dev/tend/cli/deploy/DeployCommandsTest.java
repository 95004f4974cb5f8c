package dev.tend.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import dev.tend.cli.TestServers;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tend deploy} and {@code tend rollout} against a real server holding two trained versions
 * of a penguin species model: deploy, a canary, its status, promotion, history, and the refusals.
 * The tests build on each other in order, as a user's session would.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String P = "/api/v1/projects/zoo";

  @TempDir static Path serverDir;
  static LocalServer server;
  static String admin;
  static HttpClient http;

  @BeforeAll
  static void startServerAndTrainTwoVersions() throws Exception {
    server = TestServers.start(serverDir);
    admin = server.bootstrap().orElseThrow().plainText();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    send("POST", "/api/v1/projects", "{\"name\": \"zoo\"}", 201);
    send("PUT", P + "/datasets/penguins", null, 201);
    byte[] bytes = Files.readAllBytes(Cli.sharedData("penguins.json"));
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
    send("POST", P + "/datasets/penguins/versions", version.toString(), 201);
    for (int rounds : new int[] {5, 15}) {
      ObjectNode train = JSON.createObjectNode();
      train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)")
          .forEach(train.putArray("features")::add);
      train.putObject("params").put("rounds", rounds).put("max_depth", 3);
      send("POST", P + "/models/species/train", train.toString(), 201);
    }
  }

  @AfterAll
  static void stopServer() {
    if (http != null) {
      http.close();
    }
    if (server != null) {
      server.close();
    }
  }

  static JsonNode send(String method, String path, String body, int status) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri().resolve(path))
            .header("Authorization", "Bearer " + admin)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    HttpResponse<String> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return response.body().isEmpty() ? null : JSON.readTree(response.body());
  }

  static Cli.Result tend(Object... args) {
    Map<String, String> environment = new HashMap<>();
    environment.put("TEND_URL", server.uri().toString());
    environment.put("TEND_TOKEN", admin);
    environment.put("TEND_PROJECT", "zoo");
    return Cli.runWith(environment, args);
  }

  static Cli.Result ok(Object... args) {
    Cli.Result result = tend(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  static JsonNode detail() throws Exception {
    return send("GET", P + "/deployments/species-dev", null, 200);
  }

  @Test
  @Order(1)
  void deployCreatesTheDeploymentNamedAfterModelAndEnvironment() throws Exception {
    Cli.Result result = ok("deploy", "species@1", "--env", "dev", "--reason", "first one");
    assertThat(result.out())
        .contains("Created species-dev (dev): species version 1 takes all the traffic");
    JsonNode d = detail().path("deployment");
    assertThat(d.path("reason").asText()).isEqualTo("first one");
    assertThat(d.path("traffic").path("stable").path("percent").asInt()).isEqualTo(100);
  }

  @Test
  @Order(2)
  void rolloutOptionsThatDoNotFitAreUsageErrorsAndChangeNothing() throws Exception {
    Cli.assertCleanUsageError(tend("deploy", "species", "--env", "dev"));
    Cli.assertCleanUsageError(tend("deploy", "species@2", "--env", "dev", "--sticky-key", "x"));
    Cli.assertCleanUsageError(
        tend("deploy", "species@2", "--env", "dev", "--canary", "10", "--sticky-key", "Island"));
    Cli.assertCleanUsageError(
        tend("deploy", "species@2", "--env", "dev", "--canary", "10", "--ab", "10"));
    Cli.assertCleanUsageError(
        tend("deploy", "species@2", "--env", "dev", "--canary", "10", "--policy", "speed=1"));
    Cli.assertCleanUsageError(
        tend(
            "deploy",
            "species@2",
            "--env",
            "dev",
            "--canary",
            "10",
            "--policy",
            "bake=soon",
            "--policy",
            "min_requests=many"));
    Cli.assertCleanUsageError(tend("deploy", "species@2", "--env", "dev", "--promotion", "auto"));
    // The server's refusals: an unknown alias, a percentage out of range, a bad duration.
    Cli.Result alias = tend("deploy", "species@production", "--env", "dev");
    assertThat(alias.exitCode()).as(alias.toString()).isEqualTo(2);
    assertThat(alias.err()).contains("production").doesNotContain("\tat ");
    Cli.Result percent = tend("deploy", "species@2", "--env", "dev", "--canary", "150");
    assertThat(percent.exitCode()).as(percent.toString()).isEqualTo(2);
    assertThat(percent.err()).contains("percent");
    Cli.Result bake =
        tend("deploy", "species@2", "--env", "dev", "--canary", "10", "--policy", "bake=soon");
    assertThat(bake.exitCode()).as(bake.toString()).isEqualTo(2);
    assertThat(bake.err()).contains("duration 'soon'", "(at /policy/bake)");
    JsonNode detail = detail();
    assertThat(detail.path("deployment").path("revision").asInt()).isEqualTo(1);
    assertThat(detail.path("rollout").path("state").asText()).isEqualTo("none");
  }

  @Test
  @Order(3)
  void aCanaryStartsAndItsStatusShowsTheSplitAndPolicy() throws Exception {
    Cli.Result started =
        ok(
            "deploy",
            "species@2",
            "--env",
            "dev",
            "--canary",
            "20",
            "--promotion",
            "manual",
            "--policy",
            "window=30s",
            "--policy",
            "max_p99_millis=250",
            "--reason",
            "more rounds");
    assertThat(started.out())
        .contains("Started a rollout on species-dev.")
        .contains("stable     species version 1  80%")
        .contains("candidate  species version 2  20% canary")
        .contains("Rollout: in-progress")
        .contains("promotion manual");
    JsonNode rollout = detail().path("rollout");
    assertThat(rollout.path("policy").path("window").asText()).isEqualTo("30s");
    assertThat(rollout.path("policy").path("max_p99_millis").asLong()).isEqualTo(250);

    Cli.Result second = tend("deploy", "species@2", "--env", "dev", "--shadow", "50");
    assertThat(second.exitCode()).as(second.toString()).isEqualTo(2);
    assertThat(second.err()).startsWith("tend: Conflict: ").contains("rollout in progress");

    JsonNode json = ok("rollout", "status", "species-dev", "--format", "json").json();
    assertThat(json.path("deployment").path("traffic").path("candidate").path("mode").asText())
        .isEqualTo("canary");
    Cli.Result list = ok("rollout", "status");
    assertThat(list.out()).contains("species-dev", "species@1 80%", "species@2 20% canary");
  }

  @Test
  @Order(4)
  void promotingMakesTheCandidateStableAndTheHistoryTellsWhoAndWhy() throws Exception {
    Cli.Result promoted = ok("rollout", "promote", "species-dev", "--reason", "looks good");
    assertThat(promoted.out())
        .contains("Promoted the candidate on species-dev.")
        .contains("stable     species version 2  100%")
        .doesNotContain("candidate  ");
    Cli.Result none = tend("rollout", "rollback", "species-dev");
    assertThat(none.exitCode()).as(none.toString()).isEqualTo(2);
    assertThat(none.err()).startsWith("tend: Conflict: ").contains("no rollout in progress");

    Cli.Result history = ok("rollout", "history", "species-dev");
    assertThat(history.out())
        .contains("looks good", "more rounds", "first one", "rollout-started", "promoted");
    JsonNode json = ok("rollout", "history", "species-dev", "--format", "json").json();
    assertThat(json.path("revisions")).hasSize(3);
    assertThat(json.path("revisions").get(0).path("reason").asText()).isEqualTo("looks good");
  }

  @Test
  @Order(5)
  void aRollbackReturnsAllTrafficToTheStableVersion() throws Exception {
    ok("deploy", "species@1", "--env", "dev", "--ab", "50", "--sticky-key", "Island");
    assertThat(
            detail()
                .path("deployment")
                .path("traffic")
                .path("candidate")
                .path("sticky_key")
                .asText())
        .isEqualTo("Island");
    Cli.Result rolledBack = ok("rollout", "rollback", "species-dev", "--reason", "not now");
    assertThat(rolledBack.out())
        .contains("Rolled back the candidate on species-dev.")
        .contains("stable     species version 2  100%");
    Cli.Result unknown = tend("rollout", "status", "nope");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("nope").doesNotContain("\tat ");
  }
}
