package dev.tend.cli.monitor;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tend.cli.TestServers;
import dev.tend.server.alerting.channel.ChannelSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring loop inside one real {@code tend server}: predictions are logged, the monitor
 * turns them into window figures, an alert rule fires on a broken feed, the event reaches a webhook
 * channel and the incident timeline, {@code /metrics} exports the figures and the firing alert, and
 * the alert resolves once the feed is mended.
 */
class MonitoringLoopTest {
  static final String RULE =
      """
      name: beak-length-missing
      metric: missing_share
      column: Beak Length (mm)
      deployment: species-dev
      condition: {threshold: {op: ">", value: 0.5}}
      severity: critical
      notify: [hook]
      annotations:
        summary: "{{column}} is missing in {{value}} of {{deployment}}'s inputs"
      """;

  @TempDir Path serverDir;
  final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  HttpServer receiver;
  ServedPenguins zoo;

  @AfterEach
  void stop() {
    if (zoo != null) {
      zoo.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  @Test
  void aBrokenFeedFiresAnAlertThatReachesItsChannelAndResolvesOnceMended() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(ServedPenguins.JSON.readTree(new String(body, StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    URI hook = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    zoo =
        ServedPenguins.start(
            TestServers.start(
                serverDir,
                config ->
                    config.withAlertChannels(
                        List.of(
                            new ChannelSettings.Webhook(
                                "hook",
                                hook,
                                Optional.empty(),
                                Map.of(),
                                Duration.ofSeconds(5))))));
    String project = ServedPenguins.PROJECT;
    zoo.send("PUT", project + "/deployments/species-dev/monitor", "{\"window\": \"1s\"}", 200);
    zoo.send("PUT", project + "/alert-rules/beak-length-missing", RULE, "application/yaml", 201);

    // A broken feed: the beak length never arrives.
    zoo.predict(
        "broken-",
        0,
        30,
        row -> {
          row.put("Beak Length (mm)", null);
          return row;
        });
    Thread.sleep(1_100);
    zoo.server.monitoring().runner().runOnce(Instant.now().plus(Duration.ofSeconds(3)));

    JsonNode firing = received.poll(20, SECONDS);
    assertThat(firing).as("the webhook heard the alert fire").isNotNull();
    assertThat(firing.path("kind").asText()).isEqualTo("firing");
    assertThat(firing.path("rule").asText()).isEqualTo("beak-length-missing");
    assertThat(firing.path("severity").asText()).isEqualTo("critical");
    assertThat(firing.path("labels").path("deployment").asText()).isEqualTo("species-dev");
    assertThat(firing.path("summary").asText())
        .isEqualTo("Beak Length (mm) is missing in 1 of species-dev's inputs");

    String metrics = zoo.text("/metrics");
    assertThat(metrics)
        .containsPattern(
            "tend_monitor_value\\{[^}]*column=\"Beak Length \\(mm\\)\"[^}]*"
                + "metric=\"missing_share\"[^}]*model_version=\"\\*\"[^}]*\\} 1\\.0")
        .containsPattern(
            "tend_alerts_firing\\{project=\"zoo\",rule=\"beak-length-missing\","
                + "severity=\"critical\"[^}]*\\} 1\\.0");

    // The feed is mended: the next window has every beak length, and the alert resolves.
    zoo.predict("mended-", 30, 60, row -> row);
    Thread.sleep(1_100);
    zoo.server.monitoring().runner().runOnce(Instant.now().plus(Duration.ofSeconds(3)));
    JsonNode resolved = received.poll(20, SECONDS);
    assertThat(resolved).as("the webhook heard the alert resolve").isNotNull();
    assertThat(resolved.path("kind").asText()).isEqualTo("resolved");
    assertThat(resolved.path("fingerprint").asText())
        .isEqualTo(firing.path("fingerprint").asText());
    assertThat(zoo.text("/metrics")).doesNotContain("rule=\"beak-length-missing\"");

    JsonNode incidents = zoo.send("GET", project + "/incidents", null, 200);
    assertThat(incidents.path("items")).hasSize(1);
    String incidentId = incidents.path("items").get(0).path("id").asText();
    JsonNode incident = waitForDeliveries(project + "/incidents/" + incidentId, 2);
    assertThat(incident.path("state").asText()).isEqualTo("resolved");
    assertThat(incident.path("time_to_detect_seconds").asDouble()).isPositive();
    List<String> kinds = new ArrayList<>();
    incident.path("timeline").forEach(e -> kinds.add(e.path("kind").asText()));
    assertThat(kinds)
        .contains("alert-fired", "alert-resolved", "incident-resolved", "notification-delivered");
  }

  /**
   * The incident once its timeline notes {@code deliveries} deliveries (they are recorded late).
   */
  private JsonNode waitForDeliveries(String path, int deliveries) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      JsonNode incident = zoo.send("GET", path, null, 200);
      long delivered = 0;
      for (JsonNode e : incident.path("timeline")) {
        if (e.path("kind").asText().equals("notification-delivered")) {
          delivered++;
        }
      }
      if (delivered >= deliveries || System.nanoTime() > deadline) {
        return incident;
      }
      Thread.sleep(100);
    }
  }
}
