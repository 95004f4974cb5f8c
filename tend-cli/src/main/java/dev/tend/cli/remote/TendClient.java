package dev.tend.cli.remote;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * Talks to one Tend server's HTTP API ({@code /api/v1}) with an optional bearer token: JSON
 * requests, list pages followed to the end, and blobs streamed from and to disk without holding a
 * file in memory. Error answers become {@link ProblemException}, network failures {@link
 * UnreachableException}. Thread-safe; close it to release its connections.
 */
public final class TendClient implements AutoCloseable {
  /** The path every API route lives under. */
  public static final String API = "/api/v1";

  /** The path MLflow's REST API (tracking and model registry) lives under. */
  public static final String MLFLOW = "/api/2.0/mlflow";

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_PAGES = 10_000;

  private final URI server;
  private final Optional<String> token;
  private final HttpClient http;
  private final ObjectMapper mapper = new ObjectMapper();

  private TendClient(URI server, Optional<String> token) {
    this.server = server;
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * A client of the server at {@code url} ({@code http://host:port}, optionally with a path the API
   * is mounted under).
   *
   * @throws IllegalArgumentException if {@code url} is not an absolute http or https URL
   */
  public static TendClient connect(String url, Optional<String> token) {
    requireNonNull(url, "url is null");
    requireNonNull(token, "token is null");
    URI uri;
    try {
      uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "'" + url + "' is not an http or https URL such as http://127.0.0.1:8070");
    }
    return new TendClient(uri, token.filter(t -> !t.isBlank()));
  }

  /** The server's base URL, as given. */
  public URI server() {
    return server;
  }

  /** A JSON answer: its status, its body ({@code MissingNode} when empty), whether replayed. */
  public record Response(int status, JsonNode body, boolean replayed) {
    public Response {
      requireNonNull(body, "body is null");
    }
  }

  /** {@code GET} a JSON resource under {@code /api/v1}. */
  public Response get(String path) {
    return send("GET", path, Optional.empty(), Map.of());
  }

  /**
   * Sends a request with an optional JSON body and extra headers, and reads its JSON answer.
   *
   * @param path below {@code /api/v1}, with segments encoded by {@link #segment}
   * @throws ProblemException on any status from 300 up
   */
  public Response send(
      String method, String path, Optional<JsonNode> body, Map<String, String> headers) {
    HttpRequest.BodyPublisher publisher =
        body.map(b -> HttpRequest.BodyPublishers.ofByteArray(bytes(b)))
            .orElseGet(HttpRequest.BodyPublishers::noBody);
    HttpRequest.Builder request = request(path).method(method, publisher);
    body.ifPresent(b -> request.header("Content-Type", "application/json"));
    headers.forEach(request::header);
    HttpResponse<byte[]> response =
        exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() >= 300) {
      throw problem(method, path, response.statusCode(), response.body(), contentType(response));
    }
    boolean replayed =
        response.headers().firstValue("Idempotency-Replayed").map("true"::equals).orElse(false);
    return new Response(response.statusCode(), json(response.body()), replayed);
  }

  /**
   * Sends {@code text} as the body of {@code contentType} (such as {@code application/yaml}) and
   * reads the JSON answer, for resources the server reads as text.
   *
   * @throws ProblemException on any status from 300 up
   */
  public Response sendText(String method, String path, String contentType, String text) {
    HttpRequest.Builder request =
        request(path)
            .method(method, HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8))
            .header("Content-Type", contentType + "; charset=utf-8");
    HttpResponse<byte[]> response =
        exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() >= 300) {
      throw problem(method, path, response.statusCode(), response.body(), contentType(response));
    }
    return new Response(response.statusCode(), json(response.body()), false);
  }

  /**
   * Calls MLflow's REST API ({@code /api/2.0/mlflow}): {@code GET} with the parameters in {@code
   * path}'s query, other methods with a JSON body, as MLflow's clients do. MLflow's error answers
   * ({@code {"error_code", "message"}}) become a {@link ProblemException} whose code is MLflow's
   * error code and whose message is one line; a route the server does not have becomes a problem
   * saying so.
   *
   * @param path below {@code /api/2.0/mlflow}, such as {@code /runs/get?run_id=...}
   * @throws ProblemException on any status from 300 up
   */
  public JsonNode mlflow(String method, String path, Optional<JsonNode> body) {
    HttpRequest.BodyPublisher publisher =
        body.map(b -> HttpRequest.BodyPublishers.ofByteArray(bytes(b)))
            .orElseGet(HttpRequest.BodyPublishers::noBody);
    HttpRequest.Builder request = request(MLFLOW, path).method(method, publisher);
    body.ifPresent(b -> request.header("Content-Type", "application/json"));
    HttpResponse<byte[]> response =
        exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    int status = response.statusCode();
    if (status >= 300) {
      Optional<ProblemException> mlflowError = mlflowError(status, response.body());
      if (mlflowError.isPresent()) {
        throw mlflowError.get();
      }
      String route = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      if (status == 404 || status == 405) {
        throw new ProblemException(
            status,
            "not-served",
            "Not served",
            "the server at "
                + server
                + " does not serve "
                + method
                + " "
                + MLFLOW
                + route
                + (route.startsWith("/registered-models") || route.startsWith("/model-versions")
                    ? " (MLflow's model registry): it needs a Tend server with the model registry"
                    : ""),
            List.of());
      }
      throw problem(method, path, status, response.body(), contentType(response));
    }
    return json(response.body());
  }

  private Optional<ProblemException> mlflowError(int status, byte[] body) {
    JsonNode error;
    try {
      error = body.length == 0 ? MissingNode.getInstance() : mapper.readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (error == null || !error.path("error_code").isTextual()) {
      return Optional.empty();
    }
    String code = error.path("error_code").asText();
    String message = error.path("message").asText("").strip();
    int newline = message.indexOf('\n');
    String firstLine = newline < 0 ? message : message.substring(0, newline).strip();
    return Optional.of(
        new ProblemException(status, code, mlflowTitle(code, status), firstLine, List.of()));
  }

  private static String mlflowTitle(String code, int status) {
    return switch (code) {
      case "RESOURCE_DOES_NOT_EXIST" -> "Not found";
      case "INVALID_PARAMETER_VALUE" -> "Invalid request";
      case "RESOURCE_ALREADY_EXISTS" -> "Already exists";
      case "MALFORMED_REQUEST" -> "Malformed request";
      case "UNAUTHENTICATED" -> "Authentication required";
      case "PERMISSION_DENIED" -> "Not allowed";
      default -> titleOf(status);
    };
  }

  /** Every item of a paged list, following {@code next_cursor} to the last page. */
  public List<JsonNode> getAll(String path) {
    List<JsonNode> items = new ArrayList<>();
    String separator = path.contains("?") ? "&" : "?";
    String next = path + separator + "limit=500";
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonNode body = get(next).body();
      body.path("items").forEach(items::add);
      JsonNode cursor = body.path("next_cursor");
      if (!cursor.isTextual()) {
        return items;
      }
      next = path + separator + "limit=500&cursor=" + query(cursor.asText());
    }
    throw new IllegalStateException("more than " + MAX_PAGES + " pages at " + path);
  }

  /**
   * Whether the server holds the blob of {@code size} bytes: its {@code HEAD} answers 200 with that
   * {@code Content-Length}. Any other answer means "upload it" (uploading a blob the server has is
   * harmless): a server without a {@code HEAD} route for blobs, where the framework answers an
   * empty 200, must not make a missing blob look present, so empty blobs are always uploaded.
   */
  public boolean hasBlob(String sha256, long size) {
    HttpRequest request =
        request("/blobs/" + sha256).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<Void> response = exchange(request, HttpResponse.BodyHandlers.discarding());
    int status = response.statusCode();
    if (status == 200) {
      return size > 0 && response.headers().firstValueAsLong("Content-Length").orElse(-1) == size;
    }
    if (status == 404 || status == 405) {
      return false;
    }
    throw problem("HEAD", "/blobs/" + sha256, status, new byte[0], "");
  }

  /**
   * Uploads {@code file} as the blob {@code sha256}, streamed from disk, telling {@code sent} the
   * size of each chunk as it goes out.
   */
  public void putBlob(String sha256, Path file, LongConsumer sent) {
    HttpRequest.BodyPublisher body;
    try {
      body = counting(HttpRequest.BodyPublishers.ofFile(file), sent);
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("cannot read " + file + ": " + e, e));
    }
    HttpRequest request =
        request("/blobs/" + sha256)
            .header("Content-Type", "application/octet-stream")
            .PUT(body)
            .build();
    HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() >= 300) {
      throw problem(
          "PUT", "/blobs/" + sha256, response.statusCode(), response.body(), contentType(response));
    }
  }

  private static HttpRequest.BodyPublisher counting(
      HttpRequest.BodyPublisher body, LongConsumer sent) {
    Flow.Publisher<ByteBuffer> publisher =
        subscriber ->
            body.subscribe(
                new Flow.Subscriber<ByteBuffer>() {
                  @Override
                  public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                  }

                  @Override
                  public void onNext(ByteBuffer chunk) {
                    sent.accept(chunk.remaining());
                    subscriber.onNext(chunk);
                  }

                  @Override
                  public void onError(Throwable failure) {
                    subscriber.onError(failure);
                  }

                  @Override
                  public void onComplete() {
                    subscriber.onComplete();
                  }
                });
    return HttpRequest.BodyPublishers.fromPublisher(publisher, body.contentLength());
  }

  /** Opens the blob {@code sha256} for streaming; the caller closes the stream. */
  public InputStream openBlob(String sha256) {
    HttpRequest request = request("/blobs/" + sha256).GET().build();
    HttpResponse<InputStream> response =
        exchange(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(64 * 1024);
      } catch (IOException e) {
        body = new byte[0];
      }
      throw problem("GET", "/blobs/" + sha256, response.statusCode(), body, contentType(response));
    }
    return response.body();
  }

  /** Percent-encodes one path segment (a project, dataset or alias name, a reference). */
  public static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Percent-encodes one query parameter value. */
  public static String query(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    return request(API, path);
  }

  private HttpRequest.Builder request(String base, String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(server + base + path))
            .header("Accept", "application/json, application/problem+json")
            .header("User-Agent", "tend-cli");
    token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
    return builder;
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (HttpConnectTimeoutException e) {
      throw new UnreachableException(server, "connection timed out", e);
    } catch (ConnectException e) {
      throw new UnreachableException(server, connectFailure(e), e);
    } catch (IOException e) {
      throw new UnreachableException(
          server, "the connection failed: " + (e.getMessage() == null ? e : e.getMessage()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException(server, "interrupted", e);
    }
  }

  private String connectFailure(ConnectException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof UnresolvedAddressException) {
        return "unknown host " + server.getHost();
      }
    }
    String message = e.getMessage();
    return message == null || message.isBlank()
        ? "connection refused"
        : message.toLowerCase(Locale.ROOT);
  }

  private ProblemException problem(
      String method, String path, int status, byte[] body, String contentType) {
    if (contentType.contains("json") && body.length > 0) {
      try {
        JsonNode problem = mapper.readTree(body);
        if (problem.path("title").isTextual()) {
          List<ProblemException.FieldError> errors = new ArrayList<>();
          problem
              .path("errors")
              .forEach(
                  e ->
                      errors.add(
                          new ProblemException.FieldError(
                              e.path("in").asText(""),
                              e.path("field").asText(""),
                              e.path("message").asText(""))));
          return new ProblemException(
              status,
              problem.path("code").asText("http-" + status),
              problem.path("title").asText(),
              problem.path("detail").asText(""),
              errors);
        }
      } catch (IOException e) {
        // not a problem document: described from the status below
      }
    }
    return new ProblemException(
        status,
        "http-" + status,
        titleOf(status),
        method
            + " "
            + server
            + API
            + path
            + " answered HTTP "
            + status
            + (body.length > 0 ? " without a problem document (is this a Tend server?)" : ""),
        List.of());
  }

  private static String titleOf(int status) {
    return switch (status) {
      case 400 -> "Malformed request";
      case 401 -> "Authentication required";
      case 403 -> "Not allowed";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 409 -> "Conflict";
      case 413 -> "Request body too large";
      case 422 -> "Validation failed";
      default -> status >= 500 ? "Server error" : "Request failed";
    };
  }

  private static String contentType(HttpResponse<?> response) {
    return response.headers().firstValue("Content-Type").orElse("");
  }

  private byte[] bytes(JsonNode body) {
    try {
      return mapper.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode json(byte[] body) {
    if (body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      return mapper.readTree(body);
    } catch (IOException e) {
      throw new UnreachableException(
          server, "the answer is not JSON (is this a Tend server?): " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
