package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.remote.TendClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Replays one week of flights as live traffic: batched requests to the deployment's real predict
 * route ({@code POST /api/v1/deployments/{name}/predict}), spread evenly over one monitor window so
 * the week lands in that window. One week at a time; close it to stop its client threads.
 */
final class TrafficReplayer implements AutoCloseable {
  /** Rows per request: a busy application's micro-batch. */
  static final int BATCH = 100;

  /** Requests stop this long before the window ends, so no row spills into the next week. */
  private static final Duration MARGIN = Duration.ofMillis(600);

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** Requests in flight at most. */
  static final int CLIENTS = 6;

  private final TendClient client;
  private final String deployment;
  private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);

  TrafficReplayer(TendClient client, String deployment) {
    this.client = requireNonNull(client, "client is null");
    this.deployment = requireNonNull(deployment, "deployment is null");
  }

  /** A prediction the server answered, with the label the feeder will send a window later. */
  record Answered(String predictionId, String version, boolean delayed) {
    Answered {
      requireNonNull(predictionId, "predictionId is null");
      requireNonNull(version, "version is null");
    }
  }

  /**
   * What one week's replay did.
   *
   * @param answered every answered prediction in order
   * @param refused rows of requests that failed
   * @param firstRefusal why the first of them failed
   * @param late rows not sent because the window was over
   * @param byVersion rows answered per model version: the traffic split the clients saw
   */
  record Replay(
      List<Answered> answered,
      long refused,
      Optional<String> firstRefusal,
      long late,
      Map<String, Long> byVersion) {
    Replay {
      requireNonNull(firstRefusal, "firstRefusal is null");
      answered = List.copyOf(requireNonNull(answered, "answered is null"));
      byVersion = Map.copyOf(requireNonNull(byVersion, "byVersion is null"));
    }
  }

  /**
   * Sends {@code flights} between now and {@code end}, in batches due at evenly spaced times, with
   * up to {@link #CLIENTS} requests in flight (as many clients would): each request waits for the
   * prediction log's group commit, so one at a time would cap the rate.
   */
  Replay replay(List<DemoData.Flight> flights, Instant end) throws InterruptedException {
    Instant start = Instant.now();
    Instant stop = end.minus(MARGIN);
    int batches = Math.max(1, (flights.size() + BATCH - 1) / BATCH);
    long spacingNanos = Math.max(0, Duration.between(start, stop).toNanos() / batches);
    List<Future<Optional<JsonNode>>> sent = new ArrayList<>(batches);
    for (int b = 0; b < batches; b++) {
      List<DemoData.Flight> batch =
          flights.subList(b * BATCH, Math.min(flights.size(), (b + 1) * BATCH));
      Instant due = start.plusNanos(spacingNanos * b);
      long wait = Duration.between(Instant.now(), due).toMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
      sent.add(clients.submit(() -> send(batch, stop)));
    }
    List<Answered> answered = new ArrayList<>(flights.size());
    Map<String, Long> byVersion = new TreeMap<>();
    long refused = 0;
    long late = 0;
    Optional<String> firstRefusal = Optional.empty();
    for (int b = 0; b < batches; b++) {
      List<DemoData.Flight> batch =
          flights.subList(b * BATCH, Math.min(flights.size(), (b + 1) * BATCH));
      Optional<JsonNode> answer;
      try {
        answer = sent.get(b).get();
      } catch (ExecutionException e) {
        refused += batch.size();
        if (firstRefusal.isEmpty()) {
          firstRefusal = Optional.of(String.valueOf(e.getCause().getMessage()));
        }
        continue;
      }
      if (answer.isEmpty()) {
        late += batch.size();
        continue;
      }
      String version = answer.get().path("version").asText();
      JsonNode predictions = answer.get().path("predictions");
      for (int i = 0; i < predictions.size(); i++) {
        answered.add(
            new Answered(predictions.get(i).path("id").asText(), version, batch.get(i).delayed()));
      }
      byVersion.merge(version, (long) predictions.size(), Long::sum);
    }
    return new Replay(answered, refused, firstRefusal, late, byVersion);
  }

  /** One request; empty when its time was over before a client was free to send it. */
  private Optional<JsonNode> send(List<DemoData.Flight> batch, Instant stop) {
    if (Instant.now().isAfter(stop)) {
      return Optional.empty();
    }
    return Optional.of(
        client
            .send(
                "POST",
                "/deployments/" + TendClient.segment(deployment) + "/predict",
                Optional.of(body(batch)),
                Map.of())
            .body());
  }

  @Override
  public void close() {
    clients.shutdownNow();
  }

  private static ObjectNode body(List<DemoData.Flight> batch) {
    ObjectNode body = JSON.objectNode();
    ArrayNode rows = body.putArray("instances");
    for (DemoData.Flight f : batch) {
      ObjectNode row = rows.addObject();
      row.put("date", f.date());
      if (f.distance() == null) {
        row.putNull("distance");
      } else {
        row.put("distance", f.distance());
      }
      if (f.origin() == null) {
        row.putNull("origin");
      } else {
        row.put("origin", f.origin());
      }
      row.put("destination", f.destination());
    }
    return body;
  }
}
