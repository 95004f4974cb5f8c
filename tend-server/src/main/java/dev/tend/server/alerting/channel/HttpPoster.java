package dev.tend.server.alerting.channel;

import dev.tend.server.TendServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/**
 * Posts a JSON body and sorts the answer: 2xx is delivered; 408, 429 and 5xx, time-outs and
 * connection failures may pass on a later try; any other status will not. Redirects are not
 * followed (a receiver that moved is a configuration to fix). Thread-safe.
 */
final class HttpPoster {
  private static final int MAX_DETAIL = 200;

  private final HttpClient client;
  private final Duration timeout;

  HttpPoster(Duration timeout) {
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Posts {@code body} to {@code uri}; returns the answer's body once the receiver accepted it. */
  String post(URI uri, byte[] body, Map<String, String> headers) throws DeliveryException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "Tend/" + TendServer.version())
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new DeliveryException("no answer from " + origin(uri) + " within " + timeout, true, e);
    } catch (ConnectException e) {
      throw new DeliveryException("cannot connect to " + origin(uri), true, e);
    } catch (IOException e) {
      throw new DeliveryException(
          "posting to " + origin(uri) + " failed: " + e.getClass().getSimpleName(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException("interrupted while posting to " + origin(uri), true, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response.body();
    }
    boolean retryable = status == 408 || status == 429 || status >= 500;
    throw new DeliveryException(
        origin(uri) + " answered " + status + detail(response.body()), retryable);
  }

  /* Scheme, host and port only: webhook URLs (Slack's) carry their secret in the path. */
  static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
  }

  private static String detail(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String line = body.strip().replaceAll("\\s+", " ");
    return ": " + (line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL) + "..." : line);
  }
}
