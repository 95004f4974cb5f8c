package dev.tend.cli.ops;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tend ops} against a real server holding two trained versions of a penguin species model:
 * deployed with {@code tend deploy}, a canary rolled back and a second one promoted, then the
 * figures as a table and as JSON, and the refusals of bad options.
 */
class OpsCommandTest {
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
    ok("deploy", "species@1", "--env", "dev");
    String canary =
        "{\"model\": \"species\", \"version\": 2, \"mode\": \"canary\", \"percent\": 10,"
            + " \"policy\": {\"promotion\": \"manual\"}}";
    send("POST", P + "/deployments/species-dev/rollout", canary, 201);
    send("POST", P + "/deployments/species-dev/rollout/rollback", "{}", 200);
    send("POST", P + "/deployments/species-dev/rollout", canary, 201);
    send("POST", P + "/deployments/species-dev/rollout/promote", "{}", 200);
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

  @Test
  void theTableShowsTotalsBucketsAndEachDeploymentWithItsData() {
    String out = ok("ops").out();
    assertThat(out)
        .contains("Operations of project zoo from ", "(all environments)")
        .containsPattern("deployments +2 \\(0\\.07 a day; dev 2\\)")
        .containsPattern(
            "change failure rate +33\\.3% \\(1 rolled back, 0 reverted, of 3 changes\\)")
        .containsPattern("lead time \\(data push to serving\\) +median .*, p90 .* \\(of 2\\)")
        .containsPattern("incidents +0 \\(0 resolved\\)")
        .containsPattern("time to detect +-")
        .contains("DAY", "DEPLOYS", "CFR")
        .contains("species-dev", "species v1", "species v2", "penguins v1", "promote");
    assertThat(out.lines().filter(l -> l.matches("\\d{4}-\\d{2}-\\d{2} .*")))
        .hasSizeBetween(30, 31);
  }

  @Test
  void jsonGivesTheApisFigures() throws Exception {
    JsonNode figures = JSON.readTree(ok("ops", "--json", "--bucket", "week", "--env", "dev").out());
    assertThat(figures.get("bucket").asText()).isEqualTo("week");
    assertThat(figures.get("environment").asText()).isEqualTo("dev");
    assertThat(figures.at("/totals/deployments").asInt()).isEqualTo(2);
    assertThat(figures.at("/totals/rolled_back_rollouts").asInt()).isEqualTo(1);
    assertThat(figures.at("/totals/actions/manual").asInt()).isEqualTo(5);
    assertThat(figures.at("/changes/1/dataset").asText()).isEqualTo("penguins");
    JsonNode none = JSON.readTree(ok("ops", "--json", "--env", "prod", "--since", "2w").out());
    assertThat(none.at("/totals/deployments").asInt()).isZero();
    assertThat(none.at("/totals/change_failure_rate").isNull()).isTrue();
    assertThat(none.get("buckets").size()).isBetween(14, 15);
    String empty = ok("ops", "--env", "prod", "--from", "2026-01-01", "--to", "2026-01-03").out();
    assertThat(empty)
        .containsPattern("deployments +0 \\(0\\.00 a day\\)")
        .containsPattern("change failure rate +- ")
        .contains("2026-01-01", "2026-01-02")
        .doesNotContain("NaN");
  }

  @Test
  void badOptionsAreRefusedWithAMessage() {
    Cli.assertCleanUsageError(tend("ops", "--since", "30x"));
    Cli.assertCleanUsageError(tend("ops", "--since", "0d"));
    Cli.assertCleanUsageError(tend("ops", "--since", "30d", "--from", "2026-01-01"));
    for (Object[] args :
        List.of(
            new Object[] {"ops", "--bucket", "month"},
            new Object[] {"ops", "--env", "qa"},
            new Object[] {"ops", "--from", "yesterday"})) {
      Cli.Result refused = tend(args);
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
      assertThat(refused.err())
          .as(refused.toString())
          .startsWith("tend: ")
          .containsAnyOf("bucket must be day or week", "environment must be one of", "from must be")
          .doesNotContain("\tat ");
    }
  }
}
