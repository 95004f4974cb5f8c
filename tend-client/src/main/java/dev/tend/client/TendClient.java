package dev.tend.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A client of one Tend server for applications: {@link #predict} through a deployment, {@link
 * #logPredictions} made by models served elsewhere, and {@link #sendFeedback} (labels and business
 * outcomes) for earlier predictions.
 *
 * <p>Every attempt has a time-out. Failures that may pass (no connection, a time-out, HTTP 429,
 * 502, 503 or 504) are retried with exponential back-off and jitter, honouring the server's {@code
 * Retry-After}; other refusals throw {@link TendApiException} at once. Retries never make a call
 * count twice: predict rows carry prediction ids fixed before the first attempt (generated where
 * the application gave none), and logging and feedback calls carry one {@code Idempotency-Key} for
 * all their attempts.
 *
 * <p>Thread-safe; share one instance per server and close it when done.
 */
public final class TendClient implements AutoCloseable {
  private static final String API = "/api/v1";

  private final URI base;
  private final Optional<String> token;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Sleeper sleeper;

  private TendClient(Builder builder) {
    String text = builder.base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.token = builder.token;
    this.requestTimeout = builder.requestTimeout;
    this.maxAttempts = builder.maxAttempts;
    this.initialBackoff = builder.initialBackoff;
    this.maxBackoff = builder.maxBackoff;
    this.sleeper = builder.sleeper;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(builder.connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.json = JsonMapper.builder().enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();
  }

  /** A builder for a client of the server at {@code baseUri}, such as {@code http://host:8070}. */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  // ---------------------------------------------------------------- predict

  /** Predicts one row through the named deployment. */
  public Predictions predict(String deployment, Map<String, Object> inputs) {
    return predict(deployment, List.of(PredictRow.of(inputs)));
  }

  /**
   * Predicts {@code rows} through the named deployment in one request; the answer has one
   * prediction per row, in order.
   *
   * @throws TendApiException when the server refuses the rows (400 naming the field at fault), the
   *     deployment is unknown (404) or the token may not read its project
   * @throws TendClientException when no attempt got an answer
   */
  public Predictions predict(String deployment, List<PredictRow> rows) {
    requireNonNull(deployment, "deployment is null");
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("rows is empty: give at least one row to predict");
    }
    ObjectNode body = json.createObjectNode();
    ArrayNode array = body.putArray("rows");
    for (PredictRow row : rows) {
      ObjectNode item = array.addObject();
      item.put("id", row.id().orElseGet(ClientIds::next));
      item.set("inputs", json.valueToTree(row.inputs()));
    }
    JsonNode answer =
        call("POST", API + "/deployments/" + segment(deployment) + "/predict", body, false);
    List<Predictions.Prediction> predictions = new ArrayList<>();
    for (JsonNode p : answer.path("predictions")) {
      predictions.add(new Predictions.Prediction(p.path("id").asText(), map(p.path("outputs"))));
    }
    if (predictions.size() != rows.size()) {
      throw new TendClientException(
          "the server answered "
              + predictions.size()
              + " predictions for "
              + rows.size()
              + " rows; is "
              + base
              + " a Tend server?");
    }
    return new Predictions(
        answer.path("model").asText(), answer.path("version").asText(), predictions);
  }

  // ---------------------------------------------------------------- external predictions

  /**
   * Logs predictions made by models served elsewhere, under {@code project}, and returns their ids
   * in order (generated where the application gave none). Returns once every one is durable.
   *
   * @throws TendApiException naming {@code /items/<i>/<member>} when an item is refused (nothing is
   *     logged), or 409 when another project logs under the deployment name
   */
  public List<String> logPredictions(String project, List<ExternalPrediction> predictions) {
    requireNonNull(project, "project is null");
    if (predictions.isEmpty()) {
      throw new IllegalArgumentException("predictions is empty: give at least one to log");
    }
    ObjectNode body = json.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (ExternalPrediction p : predictions) {
      ObjectNode item = items.addObject();
      item.put("prediction_id", p.predictionId().orElseGet(ClientIds::next));
      item.put("deployment", p.deployment());
      p.environment().ifPresent(e -> item.put("environment", e));
      item.put("model", p.model());
      item.put("model_version", p.modelVersion());
      item.set("inputs", json.valueToTree(p.inputs()));
      item.set("outputs", json.valueToTree(p.outputs()));
      p.timestamp().ifPresent(t -> item.put("timestamp", t.toString()));
      p.latency().ifPresent(l -> item.put("latency_millis", l.toNanos() / 1e6));
    }
    JsonNode answer =
        call("POST", API + "/projects/" + segment(project) + "/predictions", body, true);
    List<String> ids = new ArrayList<>();
    answer.path("prediction_ids").forEach(id -> ids.add(id.asText()));
    if (ids.size() != predictions.size()) {
      throw new TendClientException(
          "the server answered " + ids.size() + " ids for " + predictions.size() + " predictions");
    }
    return List.copyOf(ids);
  }

  // ---------------------------------------------------------------- feedback

  /**
   * Sends feedback for earlier predictions in one all-or-nothing batch and returns what became of
   * each item, in order.
   *
   * @throws TendApiException naming {@code /items/<i>/<member>} when an item is refused (nothing is
   *     stored): an unknown prediction ({@code unknown-prediction}), a value of the wrong type, or
   *     a different value sent before (409) that is not a correction
   */
  public List<Feedback.Receipt> sendFeedback(List<Feedback> feedback) {
    if (feedback.isEmpty()) {
      throw new IllegalArgumentException("feedback is empty: give at least one item to send");
    }
    ObjectNode body = json.createObjectNode();
    ArrayNode items = body.putArray("items");
    for (Feedback f : feedback) {
      ObjectNode item = items.addObject();
      item.put("prediction_id", f.predictionId());
      item.put("name", f.name());
      item.set("value", json.valueToTree(f.value()));
      f.timestamp().ifPresent(t -> item.put("timestamp", t.toString()));
      if (f.replace()) {
        item.put("replace", true);
      }
    }
    JsonNode answer = call("POST", API + "/feedback", body, true);
    List<Feedback.Receipt> receipts = new ArrayList<>();
    for (JsonNode r : answer.path("items")) {
      receipts.add(
          new Feedback.Receipt(
              r.path("prediction_id").asText(),
              r.path("name").asText(),
              r.path("result").asText()));
    }
    if (receipts.size() != feedback.size()) {
      throw new TendClientException(
          "the server answered " + receipts.size() + " receipts for " + feedback.size() + " items");
    }
    return List.copyOf(receipts);
  }

  // ---------------------------------------------------------------- plumbing

  /* One logical call: the same bytes and headers on every attempt. */
  JsonNode call(String method, String path, JsonNode body, boolean idempotencyKey) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the request cannot be written as JSON: " + e, e);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    if (idempotencyKey) {
      request.header("Idempotency-Key", UUID.randomUUID().toString());
    }
    HttpRequest built = request.build();
    Exception lastFailure = null;
    for (int attempt = 1; ; attempt++) {
      Optional<Duration> retryAfter = Optional.empty();
      try {
        HttpResponse<byte[]> response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return parse(response.body(), path);
        }
        TendApiException refused = refusal(status, response.body());
        if (!Retries.retryable(status) || attempt >= maxAttempts) {
          throw refused;
        }
        lastFailure = refused;
        retryAfter = response.headers().firstValue("Retry-After").flatMap(Retries::retryAfter);
      } catch (IOException e) {
        lastFailure = e;
        if (attempt >= maxAttempts) {
          throw new TendClientException(
              method
                  + " "
                  + base
                  + path
                  + " failed after "
                  + attempt
                  + (attempt == 1 ? " attempt: " : " attempts: ")
                  + describe(e),
              e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TendClientException(method + " " + base + path + " was interrupted", e);
      }
      Duration pause = Retries.backoff(attempt, initialBackoff, maxBackoff, retryAfter);
      try {
        sleeper.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        TendClientException interrupted =
            new TendClientException(method + " " + base + path + " was interrupted", e);
        interrupted.addSuppressed(lastFailure);
        throw interrupted;
      }
    }
  }

  private JsonNode parse(byte[] body, String path) {
    try {
      JsonNode node = json.readTree(body);
      if (node == null || !node.isObject()) {
        throw new TendClientException(
            "the answer to " + path + " is not a JSON object; is " + base + " a Tend server?");
      }
      return node;
    } catch (IOException e) {
      throw new TendClientException(
          "the answer to " + path + " is not JSON; is " + base + " a Tend server?", e);
    }
  }

  private TendApiException refusal(int status, byte[] body) {
    JsonNode problem = null;
    try {
      problem = json.readTree(body);
    } catch (IOException e) {
      // Not a problem document: the status alone speaks.
    }
    if (problem == null || !problem.isObject()) {
      String text = new String(body, StandardCharsets.UTF_8).strip();
      return new TendApiException(
          status, "", "", text.length() > 200 ? text.substring(0, 200) + "..." : text, List.of());
    }
    List<TendApiException.FieldProblem> errors = new ArrayList<>();
    for (JsonNode e : problem.path("errors")) {
      errors.add(
          new TendApiException.FieldProblem(
              e.path("in").asText(), e.path("field").asText(), e.path("message").asText()));
    }
    return new TendApiException(
        status,
        problem.path("code").asText(""),
        problem.path("title").asText(""),
        problem.path("detail").asText(""),
        errors);
  }

  private Map<String, Object> map(JsonNode node) {
    Map<String, Object> values =
        json.convertValue(
            node,
            json.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
    return values == null ? Map.of() : Collections.unmodifiableMap(values);
  }

  static String segment(String name) {
    requireNonNull(name, "name is null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("a name must not be empty");
    }
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  ObjectMapper json() {
    return json;
  }

  /** Closes the connections; calls after closing fail. */
  @Override
  public void close() {
    http.close();
  }

  /* Waits between attempts; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Settings of a {@link TendClient}. */
  public static final class Builder {
    private final URI base;
    private Optional<String> token = Optional.empty();
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(100);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private Sleeper sleeper = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);

    private Builder(URI base) {
      requireNonNull(base, "base is null");
      if (base.getScheme() == null
          || !(base.getScheme().equals("http") || base.getScheme().equals("https"))
          || base.getHost() == null) {
        throw new IllegalArgumentException(
            "the server address must be an http or https URI with a host, got '" + base + "'");
      }
      this.base = base;
    }

    /** The API token sent as a bearer token; without one the server must allow anonymous use. */
    public Builder token(String token) {
      requireNonNull(token, "token is null");
      if (token.isBlank()) {
        throw new IllegalArgumentException("token is blank");
      }
      this.token = Optional.of(token);
      return this;
    }

    /** How long connecting may take. Default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** How long one attempt may wait for its answer. Default 10 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive("requestTimeout", timeout);
      return this;
    }

    /** Attempts per call, the first included; 1 turns retries off. Default 3. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 20) {
        throw new IllegalArgumentException("maxAttempts must be 1 to 20, got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * The pause before the first retry, doubled for each further one up to {@code max}, with full
     * jitter; a server's {@code Retry-After} wins when longer, capped at {@code max}. Defaults 100
     * ms and 5 s.
     */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = positive("initial backoff", initial);
      this.maxBackoff = positive("max backoff", max);
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("the max backoff is shorter than the initial one");
      }
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = requireNonNull(sleeper, "sleeper is null");
      return this;
    }

    public TendClient build() {
      return new TendClient(this);
    }

    private static Duration positive(String what, Duration value) {
      requireNonNull(value, what + " is null");
      if (!value.isPositive()) {
        throw new IllegalArgumentException(what + " must be positive, got " + value);
      }
      return value;
    }
  }
}
