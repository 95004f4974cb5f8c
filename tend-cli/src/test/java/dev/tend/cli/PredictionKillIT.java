package dev.tend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise, end to end: every prediction a real {@code tend server} answered survives a
 * kill -9 of that server. Clients predict from several threads and keep the ids of the answers they
 * got; the server is killed with SIGKILL while requests are in flight, started again on the same
 * data dir, and every answered id must be listed by the restarted server.
 */
class PredictionKillIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String P = "/api/v1/projects/zoo";
  static final List<String> FEATURES =
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)");
  static final int ANSWERS_BEFORE_KILL = 1_500;

  @TempDir Path dir;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Test
  void everyAnsweredPredictionIsInTheLogAfterAKill() throws Exception {
    Path data = dir.resolve("data");
    Set<String> answered = ConcurrentHashMap.newKeySet();
    String token;
    try (ServerProcess server =
        ServerProcess.start(
            new ServerProcess.Options(
                data, Optional.empty(), Optional.empty(), dir.resolve("s1")))) {
      token = server.adminToken().orElseThrow();
      List<JsonNode> rows = deployPenguins(server.uri(), token);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger failures = new AtomicInteger();
      List<Thread> clients = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int offset = t;
        clients.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      int i = offset;
                      while (!stop.get()) {
                        ObjectNode body = JSON.createObjectNode();
                        body.set("inputs", rows.get(i++ % rows.size()));
                        try {
                          HttpResponse<String> r =
                              send(
                                  server.uri(),
                                  token,
                                  "POST",
                                  "/api/v1/deployments/species-dev/predict",
                                  body.toString());
                          if (r.statusCode() == 200) {
                            answered.add(JSON.readTree(r.body()).get("id").asText());
                          } else {
                            failures.incrementAndGet();
                          }
                        } catch (IOException e) {
                          // The server died under this request: no answer, no promise.
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    }));
      }
      long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
      while (answered.size() < ANSWERS_BEFORE_KILL && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      server.kill();
      stop.set(true);
      for (Thread client : clients) {
        client.join(30_000);
      }
      assertThat(failures.get()).as("non-200 answers before the kill").isZero();
      assertThat(answered.size()).isGreaterThanOrEqualTo(ANSWERS_BEFORE_KILL);
    }

    try (ServerProcess restarted =
        ServerProcess.start(
            new ServerProcess.Options(
                data, Optional.empty(), Optional.empty(), dir.resolve("s2")))) {
      Set<String> logged = new HashSet<>();
      String cursor = null;
      do {
        String path =
            P
                + "/deployments/species-dev/predictions?limit=500"
                + (cursor == null ? "" : "&cursor=" + cursor);
        HttpResponse<String> page = send(restarted.uri(), token, "GET", path, null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(page.body());
        json.get("items").forEach(item -> logged.add(item.get("prediction_id").asText()));
        cursor = json.hasNonNull("next_cursor") ? json.get("next_cursor").asText() : null;
      } while (cursor != null);
      Set<String> lost = new HashSet<>(answered);
      lost.removeAll(logged);
      assertThat(lost)
          .as("answered predictions missing after kill -9 (%d answered)", answered.size())
          .isEmpty();
    }
  }

  /* Project zoo, the penguins as dataset version 1, a model trained on it, deployed as species-dev. */
  private List<JsonNode> deployPenguins(URI server, String token) throws Exception {
    expect(send(server, token, "POST", "/api/v1/projects", "{\"name\": \"zoo\"}"), 201);
    expect(send(server, token, "PUT", P + "/datasets/penguins", null), 201);
    byte[] bytes = Files.readAllBytes(Cli.sharedData("penguins.json"));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    HttpResponse<String> blob =
        http.send(
            HttpRequest.newBuilder(server.resolve("/api/v1/blobs/" + sha))
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(blob.statusCode()).as(blob.body()).isIn(200, 201);
    ObjectNode version = JSON.createObjectNode();
    version
        .putArray("files")
        .addObject()
        .put("path", "penguins.json")
        .put("size", bytes.length)
        .put("sha256", sha);
    expect(send(server, token, "POST", P + "/datasets/penguins/versions", version.toString()), 201);
    ObjectNode train = JSON.createObjectNode();
    train.put("dataset", "penguins@1").put("label", "Species").put("task", "multiclass");
    FEATURES.forEach(train.putArray("features")::add);
    train.putObject("params").put("rounds", 10).put("max_depth", 3);
    expect(send(server, token, "POST", P + "/models/species/train", train.toString()), 201);
    expect(
        send(
            server,
            token,
            "PUT",
            P + "/deployments/species-dev",
            "{\"model\": \"species\", \"version\": 1, \"environment\": \"dev\"}"),
        201);
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode penguin : JSON.readTree(bytes)) {
      ObjectNode row = JSON.createObjectNode();
      FEATURES.forEach(f -> row.set(f, penguin.get(f)));
      rows.add(row);
    }
    return rows;
  }

  private HttpResponse<String> send(
      URI server, String token, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void expect(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
  }
}
