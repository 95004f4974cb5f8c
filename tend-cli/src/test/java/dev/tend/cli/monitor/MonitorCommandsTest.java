package dev.tend.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import dev.tend.cli.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tend monitor} against a real server whose penguin species model answered predictions:
 * status, windows, a figure's series, a window's and a range's detail, changing the settings and
 * the refusals. The tests build on each other in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorCommandsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String P = "/api/v1/projects/zoo";

  @TempDir static Path serverDir;
  static ServedPenguins zoo;
  static LocalServer server;
  static String admin;
  static String firstWindow;

  @BeforeAll
  static void startServerTrainDeployAndPredict() throws Exception {
    zoo = ServedPenguins.start(TestServers.start(serverDir));
    server = zoo.server;
    admin = zoo.admin;
    zoo.predict("p-", 0, 25, row -> row);
    Thread.sleep(1_100);
    server.monitoring().runner().runOnce(Instant.now().plus(Duration.ofSeconds(3)));
  }

  @AfterAll
  static void stopServer() {
    if (zoo != null) {
      zoo.close();
    }
  }

  static JsonNode send(String method, String path, String body, int status) throws Exception {
    return zoo.send(method, path, body, status);
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
  @Order(1)
  void statusShowsTheDefaultsTheReferenceAndTheNewestFigures() throws Exception {
    Cli.Result status = ok("monitor", "status", "species-dev");
    assertThat(status.out())
        .contains("species-dev (project zoo): watched, windows of 1h")
        .contains("Reference: the training data of species v1")
        .contains("rows", "25", "mean_confidence");
    JsonNode json = JSON.readTree(ok("monitor", "status", "species-dev", "--format", "json").out());
    assertThat(json.path("window_seconds").asLong()).isEqualTo(3600);
  }

  @Test
  @Order(2)
  void windowsListTheirKeyFiguresAndASeries() throws Exception {
    JsonNode windows =
        JSON.readTree(
            ok(
                    "monitor",
                    "windows",
                    "species-dev",
                    "--from",
                    "2000-01-01T00:00:00Z",
                    "--format",
                    "json")
                .out());
    long rows = 0;
    for (JsonNode w : windows.path("items")) {
      rows += w.path("rows").asLong();
    }
    assertThat(rows).isEqualTo(25);
    firstWindow = windows.path("items").get(0).path("start").asText();
    assertThat(ok("monitor", "windows", "species-dev", "--from", "2000-01-01T00:00:00Z").out())
        .contains("START", "ROWS", firstWindow);
    assertThat(
            ok(
                    "monitor",
                    "windows",
                    "species-dev",
                    "--from",
                    "2000-01-01T00:00:00Z",
                    "--metric",
                    "feature_drift",
                    "--column",
                    "Island")
                .out())
        .contains(firstWindow);
  }

  @Test
  @Order(3)
  void showPrintsTheDriftTableOfAWindowAndOfARange() {
    assertThat(ok("monitor", "show", "species-dev", "--window", firstWindow).out())
        .contains("Version *", "FEATURE", "METHOD", "Island", "latency_p99_ms");
    assertThat(ok("monitor", "show", "species-dev", "--from", "2000-01-01T00:00:00Z").out())
        .contains("Version *", "25 predictions");
  }

  @Test
  @Order(4)
  void setChangesTheSettingsAndRefusesBadOnes() {
    assertThat(ok("monitor", "set", "species-dev", "--window", "10s", "--segment", "Island").out())
        .contains("Updated the monitor of species-dev.", "windows of 10s", "segmented by Island");
    Cli.Result shortWindow = tend("monitor", "set", "species-dev", "--window", "500ms");
    assertThat(shortWindow.exitCode()).as(shortWindow.toString()).isEqualTo(2);
    assertThat(shortWindow.err()).contains("window").doesNotContain("\tat ");
    Cli.Result segment = tend("monitor", "set", "species-dev", "--segment", "Colour");
    assertThat(segment.exitCode()).as(segment.toString()).isEqualTo(2);
    assertThat(segment.err()).contains("Colour", "Island");
    Cli.Result unknown = tend("monitor", "status", "nope");
    assertThat(unknown.exitCode()).as(unknown.toString()).isNotZero();
    assertThat(unknown.err()).contains("nope").doesNotContain("\tat ");
    Cli.assertCleanUsageError(tend("monitor", "set", "species-dev"));
    Cli.assertCleanUsageError(tend("monitor", "windows", "species-dev", "--from", "yesterday"));
    Cli.assertCleanUsageError(
        tend("monitor", "show", "species-dev", "--window", firstWindow, "--from", firstWindow));
  }
}
