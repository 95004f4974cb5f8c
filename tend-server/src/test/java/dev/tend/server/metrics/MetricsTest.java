package dev.tend.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Principal;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.server.InMemoryIdempotencyStore;
import dev.tend.server.LoopbackService;
import dev.tend.server.ServerServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.serving.TrafficObserver.Role;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} of a real server, read directly and by a real Prometheus scraping it. */
class MetricsTest {
  private static final String TOKEN = "metrics-reader-token";
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Instant START = Instant.parse("2026-11-27T09:00:00Z");
  private static final Instant END = Instant.parse("2026-11-27T10:00:00Z");

  @TempDir Path dir;
  TendMetrics metrics;
  TendServer server;
  final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    metrics = new TendMetrics();
    Principal reader = new Principal("u-1", "prometheus", false);
    server =
        TendServer.start(
            TendConfig.forDataDir(dir).withPort(0),
            new ServerServices(
                token -> token.equals(TOKEN) ? Optional.of(reader) : Optional.empty(),
                (principal, project, action) -> false,
                new InMemoryIdempotencyStore()),
            List.of(new MetricsApi(metrics)));
  }

  @AfterEach
  void stop() {
    server.close();
    metrics.close();
    client.close();
  }

  private HttpResponse<String> get(Optional<String> token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + "/metrics"));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static MetricPoint point(
      String deployment, String version, MonitorMetric metric, String column, double value) {
    return MetricPoint.of(deployment, version, START, END, metric, column, value, 100);
  }

  @Test
  void metricsNeedsAValidTokenUnlessAnonymousReadsAreOn() throws Exception {
    HttpResponse<String> anonymous = get(Optional.empty());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(get(Optional.of("wrong")).statusCode()).isEqualTo(401);
    HttpResponse<String> ok = get(Optional.of(TOKEN));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(ok.body()).contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
    assertThat(ok.body()).contains("tend_build_info{version=");
  }

  @Test
  void theLatestWindowReplacesADeploymentsFiguresAndLeavesOthersAlone() throws Exception {
    metrics
        .monitor()
        .update(
            List.of(
                point("flights-prod", "*", MonitorMetric.ROWS, "", 1200),
                point("flights-prod", "v3", MonitorMetric.MISSING_SHARE, "distance", 0.25),
                point("churn", "*", MonitorMetric.ROWS, "", 7)));
    String body = get(Optional.of(TOKEN)).body();
    assertThat(body)
        .contains(
            "tend_monitor_value{column=\"distance\",deployment=\"flights-prod\","
                + "metric=\"missing_share\",model_version=\"v3\",segment=\"\"} 0.25")
        .contains("tend_monitor_window_end_seconds{deployment=\"flights-prod\"} 1.7957736E9");

    metrics.monitor().update(List.of(point("flights-prod", "*", MonitorMetric.ROWS, "", 900)));
    body = get(Optional.of(TOKEN)).body();
    assertThat(body)
        .contains(
            "tend_monitor_value{column=\"\",deployment=\"flights-prod\",metric=\"rows\","
                + "model_version=\"*\",segment=\"\"} 900.0")
        .doesNotContain("missing_share")
        .contains("deployment=\"churn\",metric=\"rows\"");
    assertThat(metrics.monitor().series()).isEqualTo(2);
  }

  @Test
  void monitorSeriesAreBoundedAndTheSurplusIsCounted() {
    List<MetricPoint> many = new ArrayList<>();
    for (int i = 0; i < MonitorGauges.MAX_SERIES + 5; i++) {
      many.add(point("d" + i, "*", MonitorMetric.ROWS, "", i));
    }
    metrics.monitor().update(many);
    assertThat(metrics.monitor().series()).isEqualTo(MonitorGauges.MAX_SERIES);
    assertThat(metrics.scrape()).contains("tend_monitor_series_dropped_total 5.0");
  }

  @Test
  void servingCountsRequestsFailuresAndLatencyPerVersion() throws Exception {
    ServingMetrics serving = metrics.serving();
    serving.served("flights-prod", "v3", Role.STABLE, 3_000_000, false);
    serving.served("flights-prod", "v3", Role.STABLE, 40_000_000, true);
    serving.served("flights-prod", "v4", Role.CANDIDATE, 1_000_000, false);
    String body = get(Optional.of(TOKEN)).body();
    assertThat(body)
        .contains(
            "tend_serving_requests_total{deployment=\"flights-prod\",model_version=\"v3\","
                + "role=\"stable\"} 2.0")
        .contains(
            "tend_serving_failures_total{deployment=\"flights-prod\",model_version=\"v3\","
                + "role=\"stable\"} 1.0")
        .contains(
            "tend_serving_latency_seconds_bucket{deployment=\"flights-prod\","
                + "model_version=\"v3\",role=\"stable\",le=\"0.005\"} 1")
        .contains(
            "tend_serving_latency_seconds_bucket{deployment=\"flights-prod\","
                + "model_version=\"v3\",role=\"stable\",le=\"0.05\"} 2")
        .contains(
            "tend_serving_requests_total{deployment=\"flights-prod\",model_version=\"v4\","
                + "role=\"candidate\"} 1.0");
  }

  @Test
  void firingAlertsAreReplacedAsAWhole() {
    metrics.alerts().update(List.of(new AlertGauges.Firing("flights", "f1-floor", "critical", 2)));
    assertThat(metrics.scrape())
        .contains(
            "tend_alerts_firing{project=\"flights\",rule=\"f1-floor\",severity=\"critical\"} 2.0");
    metrics.alerts().update(List.of());
    assertThat(metrics.scrape()).doesNotContain("tend_alerts_firing{");
  }

  @Test
  void aRealPrometheusScrapesTheFiguresWithTheToken() throws Exception {
    LoopbackService.require(PROMETHEUS, "prometheus");
    metrics
        .monitor()
        .update(
            List.of(point("flights-prod", "v3", MonitorMetric.MISSING_SHARE, "distance", 0.25)));
    metrics.serving().served("flights-prod", "v3", Role.STABLE, 2_000_000, false);
    Files.writeString(dir.resolve("token"), TOKEN);
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: tend
            metrics_path: /metrics
            authorization:
              credentials_file: %s
            static_configs:
              - targets: ['127.0.0.1:%d']
        """
            .formatted(dir.resolve("token"), server.port()));
    int port = LoopbackService.freePort();
    try (LoopbackService prometheus =
        LoopbackService.start(
            List.of(
                PROMETHEUS.toString(),
                "--config.file=prometheus.yml",
                "--storage.tsdb.path=data",
                "--web.listen-address=127.0.0.1:" + port),
            dir,
            port,
            Duration.ofSeconds(15))) {
      JsonNode missing =
          await(
              prometheus,
              "tend_monitor_value{deployment=\"flights-prod\",metric=\"missing_share\","
                  + "column=\"distance\",model_version=\"v3\"}");
      assertThat(missing.at("/metric/job").asText()).isEqualTo("tend");
      assertThat(missing.at("/value/1").asDouble()).isEqualTo(0.25);
      JsonNode requests =
          await(prometheus, "tend_serving_requests_total{deployment=\"flights-prod\"}");
      assertThat(requests.at("/value/1").asDouble()).isEqualTo(1.0);
      JsonNode up = await(prometheus, "up{job=\"tend\"}");
      assertThat(up.at("/value/1").asText()).isEqualTo("1");
    }
  }

  /* The first series of an instant query, once Prometheus has one. */
  private JsonNode await(LoopbackService prometheus, String query) throws Exception {
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          prometheus.baseUrl()
                              + "/api/v1/query?query="
                              + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      last = response.body();
      /* Prometheus answers 503 until it has loaded its storage. */
      if (response.statusCode() == 200) {
        JsonNode result = json.readTree(last).at("/data/result");
        if (result.isArray() && !result.isEmpty()) {
          return result.get(0);
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "Prometheus never had " + query + "; last answer " + last + "\n" + prometheus.log());
  }
}
