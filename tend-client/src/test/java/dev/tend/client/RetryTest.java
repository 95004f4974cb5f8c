package dev.tend.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retries and time-outs against a real HTTP server on loopback that fails on purpose: which
 * failures are retried, that every attempt sends the same bytes, and how long the client waits.
 */
class RetryTest {
  private static final String ANSWER =
      "{\"model\":\"m\",\"version\":\"1\",\"predictions\":[{\"id\":\"x\",\"outputs\":{\"p\":0.5}}]}";

  private HttpServer server;
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private final List<String> keys = Collections.synchronizedList(new ArrayList<>());
  private final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /* Answers each attempt with the next status; 200 answers with ANSWER. */
  private URI serve(int... statuses) throws IOException {
    AtomicInteger calls = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
          int status = statuses[Math.min(calls.getAndIncrement(), statuses.length - 1)];
          if (status == 503) {
            exchange.getResponseHeaders().add("Retry-After", "2");
          }
          respond(
              exchange,
              status,
              status == 200
                  ? ANSWER
                  : "{\"status\":"
                      + status
                      + ",\"code\":\"c"
                      + status
                      + "\",\"title\":\"t\",\"detail\":\"d\","
                      + "\"errors\":[{\"in\":\"body\",\"field\":\"/rows/0/inputs/x\","
                      + "\"message\":\"bad\"}]}");
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private TendClient client(URI uri, int attempts) {
    return TendClient.builder(uri)
        .token("t0ken")
        .maxAttempts(attempts)
        .backoff(Duration.ofMillis(100), Duration.ofSeconds(5))
        .requestTimeout(Duration.ofMillis(500))
        .sleeper(pauses::add)
        .build();
  }

  @Test
  void anOverloadedServerIsRetriedWithTheSameIdsAndItsRetryAfterIsHonoured() throws Exception {
    try (TendClient client = client(serve(503, 502, 200), 3)) {
      Predictions answer = client.predict("d", Map.of("x", 1.0));
      assertThat(answer.rows()).hasSize(1);
      assertThat(answer.rows().get(0).outputs()).containsEntry("p", 0.5);
    }
    assertThat(bodies).hasSize(3);
    assertThat(bodies.get(1)).isEqualTo(bodies.get(0));
    assertThat(bodies.get(2)).isEqualTo(bodies.get(0));
    assertThat(bodies.get(0)).contains("\"id\":\"").contains("\"x\":1.0");
    assertThat(pauses).hasSize(2);
    assertThat(pauses.get(0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(pauses.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void aRefusalIsNotRetriedAndNamesTheFieldAtFault() throws Exception {
    try (TendClient client = client(serve(400, 200), 3)) {
      assertThatThrownBy(() -> client.predict("d", Map.of("x", 1.0)))
          .isInstanceOfSatisfying(
              TendApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.code()).isEqualTo("c400");
                assertThat(e.errors())
                    .containsExactly(
                        new TendApiException.FieldProblem("body", "/rows/0/inputs/x", "bad"));
              });
    }
    assertThat(bodies).hasSize(1);
    assertThat(pauses).isEmpty();
  }

  @Test
  void anInternalErrorIsNotHammered() throws Exception {
    try (TendClient client = client(serve(500, 200), 3)) {
      assertThatThrownBy(() -> client.predict("d", Map.of("x", 1.0)))
          .isInstanceOfSatisfying(
              TendApiException.class, e -> assertThat(e.status()).isEqualTo(500));
    }
    assertThat(bodies).hasSize(1);
  }

  @Test
  void theLastRetryableRefusalIsThrownOnceAttemptsRunOut() throws Exception {
    try (TendClient client = client(serve(429), 4)) {
      assertThatThrownBy(() -> client.predict("d", Map.of("x", 1.0)))
          .isInstanceOfSatisfying(
              TendApiException.class, e -> assertThat(e.status()).isEqualTo(429));
    }
    assertThat(bodies).hasSize(4);
    assertThat(pauses).hasSize(3);
    // Full jitter below a doubling ceiling: 100, 200, 400 ms.
    assertThat(pauses.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void aServerThatNeverAnswersTimesOutOnEveryAttempt() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TendClient client = client(URI.create("http://127.0.0.1:" + silent.getLocalPort()), 2)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> client.predict("d", Map.of("x", 1.0)))
          .isExactlyInstanceOf(TendClientException.class)
          .hasMessageContaining("failed after 2 attempts")
          .hasMessageContaining("HttpTimeoutException");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
    assertThat(pauses).hasSize(1);
  }

  @Test
  void aRefusedConnectionIsRetriedThenReported() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    try (TendClient client = client(URI.create("http://127.0.0.1:" + port), 3)) {
      assertThatThrownBy(() -> client.predict("d", Map.of("x", 1.0)))
          .isExactlyInstanceOf(TendClientException.class)
          .hasMessageContaining("failed after 3 attempts")
          .hasMessageContaining("ConnectException");
    }
    assertThat(pauses).hasSize(2);
  }

  @Test
  void anAnswerThatIsNotTendsIsReportedAsSuch() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> respond(exchange, 200, "<html>hello</html>"));
    server.start();
    try (TendClient client =
        client(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), 1)) {
      assertThatThrownBy(() -> client.predict("d", Map.of("x", 1.0)))
          .isExactlyInstanceOf(TendClientException.class)
          .hasMessageContaining("is not JSON");
    }
  }

  @Test
  void badSettingsAreRefusedAtOnce() {
    assertThatThrownBy(() -> TendClient.builder(URI.create("ftp://x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TendClient.builder(URI.create("http://x")).maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> TendClient.builder(URI.create("http://x")).requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                TendClient.builder(URI.create("http://x"))
                    .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
