package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.deployments.RolloutMode;
import dev.tend.registry.ModelVersion;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.FieldError;
import dev.tend.server.http.ProblemCode;
import dev.tend.server.serving.TrafficObserver.Role;
import dev.tend.serving.log.PredictionIds;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogException;
import dev.tend.serving.log.PredictionLogFullException;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.serving.protocol.Batch;
import dev.tend.serving.protocol.Column;
import dev.tend.serving.protocol.MlflowCodec;
import dev.tend.serving.protocol.OpenInferenceCodec;
import dev.tend.serving.protocol.PredictRequest;
import dev.tend.serving.protocol.ServingProtocolException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request through a deployment's {@link Route}: picks the version by the route's split,
 * decodes the body with that version's codec, predicts, logs every row durably and only then hands
 * back the encoded answer. Shadow copies run on a small bounded executor and are dropped (and
 * counted) when it is full, so they never slow an answer. Thread-safe.
 */
final class Predictor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Predictor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int SHADOW_QUEUE = 256;

  /** The wire protocols a deployment answers. */
  enum Protocol {
    TEND,
    MLFLOW,
    OPEN_INFERENCE
  }

  /**
   * An answer ready to be written.
   *
   * @param body the encoded response in the request's protocol
   * @param version the version that answered
   * @param predictionIds the ids of the answered rows, as logged
   */
  record Answer(byte[] body, ModelVersion version, Role role, List<String> predictionIds) {}

  private record Codecs(MlflowCodec mlflow, OpenInferenceCodec openInference) {}

  private final ModelCache cache;
  private final PredictionLog log;
  private final TrafficObserver observer;
  private final ThreadPoolExecutor shadows;
  private final AtomicLong shadowsDropped = new AtomicLong();
  private final ConcurrentHashMap<String, Codecs> codecs = new ConcurrentHashMap<>();

  Predictor(ModelCache cache, PredictionLog log, TrafficObserver observer) {
    this.cache = requireNonNull(cache, "cache is null");
    this.log = requireNonNull(log, "log is null");
    this.observer = requireNonNull(observer, "observer is null");
    this.shadows =
        new ThreadPoolExecutor(
            1,
            2,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(SHADOW_QUEUE),
            r -> {
              Thread thread = new Thread(r, "tend-shadow");
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /** Shadow copies dropped because the shadow queue was full. */
  long shadowsDropped() {
    return shadowsDropped.get();
  }

  /** Forgets the codecs of versions not in {@code versionIds}. */
  void retain(Set<String> versionIds) {
    codecs.keySet().retainAll(versionIds);
  }

  /**
   * Answers {@code body} through {@code route}.
   *
   * @param pinned the version number the client asked for (Open Inference's versioned path), which
   *     must be one of the route's versions; empty routes by the split
   * @throws ApiException for bad input (4xx) or a prediction log that cannot take the rows (503)
   */
  Answer answer(Route route, byte[] body, Protocol protocol, Optional<String> pinned) {
    long start = System.nanoTime();
    ModelVersion target = route.stable();
    Role role = Role.STABLE;
    boolean shadow = false;
    PredictRequest decoded = null;
    Optional<Route.Split> split = route.candidate();
    if (pinned.isPresent()) {
      target =
          route
              .version(pinned.get())
              .orElseThrow(
                  () ->
                      new ApiException.NotFound(
                          "deployment '"
                              + route.deployment()
                              + "' serves no version "
                              + pinned.get()));
      role = target.equals(route.stable()) ? Role.STABLE : Role.CANDIDATE;
    } else if (split.isPresent()) {
      Route.Split s = split.get();
      if (s.mode() == RolloutMode.SHADOW) {
        shadow = s.percent() > ThreadLocalRandom.current().nextInt(100);
      } else if (s.stickyKey().isPresent()) {
        decoded = decode(route.stable(), body, protocol);
        String key = stickyKey(decoded, s.stickyKey().get());
        if (StickyBuckets.bucket(route.deployment(), key) < s.percent()) {
          target = s.version();
          role = Role.CANDIDATE;
          decoded = null;
        }
      } else if (s.percent() > ThreadLocalRandom.current().nextInt(100)) {
        target = s.version();
        role = Role.CANDIDATE;
      }
    }
    ServedModel served = cache.acquire(target);
    try {
      PredictRequest request;
      Batch outputs;
      try {
        request = decoded != null ? decoded : decode(target, body, protocol);
        outputs = predict(served, request);
      } catch (ApiException e) {
        observer.served(route.deployment(), target.id(), role, System.nanoTime() - start, true);
        throw e;
      }
      long latency = System.nanoTime() - start;
      List<String> ids = new ArrayList<>(outputs.rowCount());
      for (Optional<String> id : request.predictionIds()) {
        ids.add(id.orElseGet(PredictionIds::next));
      }
      List<PredictionRecord> records = records(route, target, role, request, outputs, ids, latency);
      byte[] response = encode(route, served, target, protocol, request, outputs, ids);
      awaitDurable(records);
      observer.served(route.deployment(), target.id(), role, latency, false);
      if (shadow) {
        shadow(route, body, protocol, ids);
      }
      return new Answer(response, target, role, ids);
    } catch (RuntimeException e) {
      if (!(e instanceof ApiException)) {
        observer.served(route.deployment(), target.id(), role, System.nanoTime() - start, true);
      }
      throw e;
    } finally {
      served.release();
    }
  }

  private PredictRequest decode(ModelVersion version, byte[] body, Protocol protocol) {
    ServedModel served = cache.acquire(version);
    try {
      return switch (protocol) {
        case TEND -> served.codec().decodeRequest(body);
        case MLFLOW -> codecs(served).mlflow().decodeRequest(body);
        case OPEN_INFERENCE -> codecs(served).openInference().decodeRequest(body);
      };
    } catch (ServingProtocolException e) {
      throw refused(e, body, protocol);
    } finally {
      served.release();
    }
  }

  private Codecs codecs(ServedModel served) {
    return codecs.computeIfAbsent(
        served.version().id(),
        id ->
            new Codecs(
                new MlflowCodec(served.signature(), ServingApi.LIMITS),
                new OpenInferenceCodec(served.signature(), ServingApi.LIMITS)));
  }

  private static Batch predict(ServedModel served, PredictRequest request) {
    try {
      return served.predict(request.inputs());
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ProblemCode.WRONG_TYPE,
          e.getMessage(),
          List.of(FieldError.body("", e.getMessage())),
          Map.of(),
          e);
    }
  }

  /* The sticky key's text in the first row; a batch is routed as a whole by its first row. */
  private static String stickyKey(PredictRequest request, String field) {
    Optional<Column> column = request.inputs().column(field);
    if (column.isEmpty() || column.get().isMissing(0)) {
      String message =
          "the rows must carry the sticky key field '"
              + field
              + "': this deployment's A/B split sends the same key to the same version";
      throw new ApiException(
          ProblemCode.MISSING_FIELD,
          message,
          List.of(FieldError.body("/" + field, message)),
          Map.of(),
          null);
    }
    return String.valueOf(column.get().value(0));
  }

  private static List<PredictionRecord> records(
      Route route,
      ModelVersion version,
      Role role,
      PredictRequest request,
      Batch outputs,
      List<String> ids,
      long latencyNanos) {
    Instant now = Instant.now();
    String environment =
        role == Role.STABLE
            ? route.environment().wireName()
            : route.environment().wireName() + "." + role.name().toLowerCase(Locale.ROOT);
    List<PredictionRecord> records = new ArrayList<>(ids.size());
    for (int row = 0; row < ids.size(); row++) {
      try {
        records.add(
            new PredictionRecord(
                ids.get(row),
                route.deployment(),
                environment,
                version.modelName(),
                Integer.toString(version.version()),
                request.inputs().rowJson(row),
                outputs.rowJson(row),
                TimeUnit.NANOSECONDS.toMicros(latencyNanos),
                now,
                request.id()));
      } catch (IllegalArgumentException e) {
        String message = "row " + row + " cannot be logged: " + e.getMessage();
        throw new ApiException(
            ProblemCode.BAD_ID, message, List.of(FieldError.body("", message)), Map.of(), e);
      }
    }
    return records;
  }

  private byte[] encode(
      Route route,
      ServedModel served,
      ModelVersion version,
      Protocol protocol,
      PredictRequest request,
      Batch outputs,
      List<String> ids) {
    String number = Integer.toString(version.version());
    return switch (protocol) {
      case TEND ->
          served.codec().encodeResponse(request, outputs, ids, version.modelName(), number);
      case MLFLOW -> codecs(served).mlflow().encodeResponse(outputs);
      case OPEN_INFERENCE ->
          codecs(served)
              .openInference()
              .encodeResponse(request, route.deployment(), Optional.of(number), outputs);
    };
  }

  /* Answers only once every row is durable: an answered prediction survives a crash. */
  private void awaitDurable(List<PredictionRecord> records) {
    CompletableFuture<Void> done;
    try {
      done = log.appendAll(records);
    } catch (PredictionLogFullException e) {
      throw unavailable(ProblemCode.PREDICTION_LOG_FULL, e.getMessage(), e);
    } catch (PredictionLogException e) {
      throw unavailable(
          ProblemCode.PREDICTION_LOG_UNAVAILABLE,
          "the prediction log cannot take predictions: " + e.getMessage(),
          e);
    } catch (IllegalArgumentException e) {
      throw new ApiException(
          ProblemCode.PAYLOAD_TOO_LARGE,
          "the request's predictions are too large to log: " + e.getMessage(),
          List.of(),
          Map.of(),
          e);
    }
    try {
      done.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(
          ProblemCode.PREDICTION_LOG_UNAVAILABLE, "interrupted while logging predictions", e);
    } catch (ExecutionException e) {
      throw unavailable(
          ProblemCode.PREDICTION_LOG_UNAVAILABLE,
          "the predictions could not be logged: " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  private static ApiException unavailable(ProblemCode code, String message, Throwable cause) {
    return new ApiException(code, message, List.of(), Map.of("Retry-After", "1"), cause);
  }

  /* A copy for the candidate, answered and logged off the request's thread; never returned. */
  private void shadow(Route route, byte[] body, Protocol protocol, List<String> ids) {
    ModelVersion candidate = route.candidate().orElseThrow().version();
    try {
      shadows.execute(() -> runShadow(route, candidate, body, protocol, ids));
    } catch (RejectedExecutionException e) {
      shadowsDropped.incrementAndGet();
    }
  }

  private void runShadow(
      Route route, ModelVersion candidate, byte[] body, Protocol protocol, List<String> ids) {
    long start = System.nanoTime();
    boolean failed = true;
    try {
      ServedModel served = cache.acquire(candidate);
      try {
        PredictRequest request = decode(candidate, body, protocol);
        Batch outputs = predict(served, request);
        long latency = System.nanoTime() - start;
        log.appendAll(records(route, candidate, Role.SHADOW, request, outputs, ids, latency)).get();
        failed = false;
      } finally {
        served.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      LOG.debug("shadow prediction of '{}' by {} failed", route.deployment(), candidate.id(), e);
    } finally {
      observer.served(
          route.deployment(), candidate.id(), Role.SHADOW, System.nanoTime() - start, failed);
    }
  }

  /* A 400 with the codec's code, pointing at the field in the body's own shape. */
  private static ApiException refused(ServingProtocolException e, byte[] body, Protocol protocol) {
    ProblemCode code = ProblemCode.valueOf(e.code().name());
    String pointer = "";
    if (e.field().isPresent()) {
      String field = "/" + e.field().get().replace("~", "~0").replace("/", "~1");
      String row = e.row().isPresent() ? "/" + e.row().getAsInt() : "";
      pointer = "/inputs" + field;
      if (protocol == Protocol.TEND) {
        try {
          JsonNode json = JSON.readTree(body);
          if (json != null && json.has("rows")) {
            pointer = "/rows" + row + "/inputs" + field;
          } else if (json != null && json.has("instances")) {
            pointer = "/instances" + row + field;
          }
        } catch (IOException ignored) {
          // Malformed JSON names no field.
        }
      }
    }
    return new ApiException(
        code, e.getMessage(), List.of(FieldError.body(pointer, e.getMessage())), Map.of(), e);
  }

  @Override
  public void close() {
    shadows.shutdown();
    try {
      shadows.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
