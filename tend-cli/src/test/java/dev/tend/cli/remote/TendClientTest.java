package dev.tend.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Answers a real Tend server cannot be made to give on demand (a 500, a server that is not Tend, a
 * broken JSON body), from a plain JDK HTTP server; the Tend server's own answers are covered end to
 * end by DataCommandsTest.
 */
class TendClientTest {
  HttpServer server;
  TendClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    answer(
        "/api/v1/broken",
        500,
        "application/problem+json",
        "{\"type\":\"https://tend.dev/problems/internal\",\"title\":\"Internal error\","
            + "\"status\":500,\"detail\":\"see incident 01ABC\",\"code\":\"internal\"}");
    answer("/api/v1/html", 404, "text/html", "<html>nothing here</html>");
    answer("/api/v1/garbage", 200, "application/json", "{not json");
    answer(
        "/api/v1/invalid",
        422,
        "application/problem+json",
        "{\"title\":\"Validation failed\",\"status\":422,\"detail\":\"the files are not valid\","
            + "\"code\":\"validation-failed\",\"errors\":[{\"in\":\"body\",\"field\":\"/files/0\","
            + "\"message\":\"path a/../b is not normalized\"}]}");
    server.start();
    client =
        TendClient.connect(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/", Optional.of("t"));
  }

  private void answer(String path, int status, String type, String body) {
    server.createContext(
        path,
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", type);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void aServerErrorIsExitThreeWithTheProblemsWords() {
    assertThatThrownBy(() -> client.get("/broken"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(3);
              assertThat(e.code()).isEqualTo("internal");
              assertThat(e.getMessage()).isEqualTo("Internal error: see incident 01ABC");
            });
  }

  @Test
  void fieldErrorsFollowOnTheirOwnLines() {
    assertThatThrownBy(() -> client.get("/invalid"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(2);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Validation failed: the files are not valid\n"
                          + "  body /files/0: path a/../b is not normalized");
            });
  }

  @Test
  void anAnswerThatIsNotAProblemIsDescribedByItsStatus() {
    assertThatThrownBy(() -> client.get("/html"))
        .isInstanceOfSatisfying(
            ProblemException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(2);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "Not found: GET "
                          + client.server()
                          + "/api/v1/html answered HTTP 404 without a problem document (is this a"
                          + " Tend server?)");
            });
  }

  @Test
  void aBodyThatIsNotJsonIsAServerFault() {
    assertThatThrownBy(() -> client.get("/garbage"))
        .isInstanceOfSatisfying(
            UnreachableException.class,
            e -> assertThat(e.getMessage()).contains("the answer is not JSON"));
  }

  @Test
  void onlyHttpUrlsAreAccepted() {
    for (String url :
        new String[] {"ftp://example.org", "127.0.0.1:8070", "http://", "not a url"}) {
      assertThatThrownBy(() -> TendClient.connect(url, Optional.empty()))
          .as(url)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
