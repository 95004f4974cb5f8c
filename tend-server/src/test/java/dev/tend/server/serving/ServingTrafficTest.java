package dev.tend.server.serving;

import static dev.tend.server.serving.ServingFixture.JSON;
import static dev.tend.server.serving.ServingFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.deployments.RolloutMode;
import dev.tend.registry.ModelVersion;
import dev.tend.server.serving.TrafficObserver.Role;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.serving.protocol.DecodeLimits;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Routing between a deployment's versions and the prediction log, through real HTTP on a real store
 * (SQLite and PostgreSQL) with two trained XGBoost versions: canary shares, sticky A/B keys,
 * shadows, the listener, and exactly the answered predictions in the log.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class ServingTrafficTest {
  static final String PREDICT = "/api/v1/deployments/species/predict";

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  final Map<Role, LongAdder> heard = new ConcurrentHashMap<>();
  final TrafficObserver counting =
      (deployment, versionId, role, latencyNanos, failed) -> {
        if (!failed) {
          heard.computeIfAbsent(role, r -> new LongAdder()).increment();
        }
      };
  ServingFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  private void start(PredictionLogOptions options) throws Exception {
    f = new ServingFixture(database, dataDir, options, counting);
    f.deploy("species", 1);
    f.train(10, 2, 8);
  }

  private long heard(Role role) {
    return heard.getOrDefault(role, new LongAdder()).sum();
  }

  @Test
  void aListenerCallMakesATrafficChangeTakeEffectAtOnce() throws Exception {
    start(PredictionLogOptions.defaults());
    String one = single(0, Optional.empty());
    f.rollout("species", 2, RolloutMode.CANARY, 100, Optional.empty());
    // The refresh is an hour away: only the listener can make the change visible.
    assertThat(version(json(f.send("POST", PREDICT, one), 200))).isEqualTo("1");
    f.serving.changed("species");
    HttpResponse<String> candidate = f.send("POST", PREDICT, one);
    assertThat(version(json(candidate, 200))).isEqualTo("2");
    assertThat(candidate.headers().firstValue(ServingApi.MODEL_VERSION_HEADER)).hasValue("2");
    // Re-pointing through the deploy route ends the rollout and reloads at once.
    f.deploy("species", 1);
    assertThat(version(json(f.send("POST", PREDICT, one), 200))).isEqualTo("1");
  }

  @Test
  void offlinePredictionsTakeMoreRowsThanOneRequestMay() throws Exception {
    start(PredictionLogOptions.defaults());
    String projectId = f.store.projects().findByName("zoo").orElseThrow().id();
    ModelVersion version =
        f.store
            .registry()
            .version(f.store.registry().model(projectId, "species").orElseThrow().id(), 1)
            .orElseThrow();
    List<String> penguins = new ArrayList<>();
    for (Map<String, Object> penguin : f.penguins) {
      Map<String, Object> inputs = new LinkedHashMap<>();
      ServingFixture.FEATURES.forEach(feature -> inputs.put(feature, penguin.get(feature)));
      penguins.add(JSON.writeValueAsString(inputs));
    }
    // A gate reading 12,040 logged rows must not meet the 10,000-row limit of one request.
    List<String> inputs = new ArrayList<>();
    while (inputs.size() <= DecodeLimits.DEFAULT.maxRows() + 2 * ServingApi.OFFLINE_CHUNK) {
      inputs.addAll(penguins);
    }
    List<String> once = f.serving.offline().predict(version, penguins);
    List<String> outputs = f.serving.offline().predict(version, inputs);
    assertThat(outputs).hasSize(inputs.size());
    for (int row = 0; row < inputs.size(); row++) {
      assertThat(outputs.get(row)).as("row %d", row).isEqualTo(once.get(row % penguins.size()));
    }
  }

  @Test
  void anotherServerOnTheSameDatabaseSeesAChangeAtItsNextRefresh() throws Exception {
    start(PredictionLogOptions.defaults());
    try (PredictionLog otherLog =
            PredictionLog.open(
                dataDir.resolve("other-predictions"),
                PredictionLogOptions.defaults().withoutMaintenance());
        ServingApi other =
            new ServingApi(
                f.store.projects(),
                f.store.registry(),
                f.store.deployments(),
                f.store.artifacts(),
                dataDir.resolve("other-models"),
                otherLog,
                TrafficObserver.NONE,
                Duration.ofMillis(200))) {
      assertThat(other.route("species"))
          .hasValueSatisfying(r -> assertThat(r.candidate()).isEmpty());
      f.rollout("species", 2, RolloutMode.AB, 30, Optional.of("Island"));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (other.route("species").orElseThrow().candidate().isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Route.Split split = other.route("species").orElseThrow().candidate().orElseThrow();
      assertThat(split.version().version()).isEqualTo(2);
      assertThat(split.mode()).isEqualTo(RolloutMode.AB);
      assertThat(split.percent()).isEqualTo(30);
      assertThat(split.stickyKey()).hasValue("Island");
    }
  }

  @Test
  void aCanaryAnswersItsShareOfRequests() throws Exception {
    start(PredictionLogOptions.defaults());
    f.rollout("species", 2, RolloutMode.CANARY, 20, Optional.empty());
    f.serving.changed("species");
    int requests = 2_000;
    Map<String, Integer> versions = new HashMap<>();
    for (JsonNode answer : concurrently(requests, i -> single(i % 300, Optional.empty()))) {
      versions.merge(version(answer), 1, Integer::sum);
    }
    assertThat(versions.keySet()).containsExactlyInAnyOrder("1", "2");
    double share = versions.get("2") / (double) requests;
    // 20% of 2,000: one standard deviation is 0.9%, so ±4% (4.5 sd) fails only on a broken split.
    assertThat(share).isCloseTo(0.20, within(0.04));
    assertThat(heard(Role.CANDIDATE)).isEqualTo((long) versions.get("2"));
    assertThat(heard(Role.STABLE)).isEqualTo((long) versions.get("1"));
    assertThat(f.logged()).hasSize(requests);
  }

  @Test
  void theSameStickyKeyAlwaysReachesTheSameVersion() throws Exception {
    start(PredictionLogOptions.defaults());
    String key = "Beak Length (mm)";
    f.rollout("species", 2, RolloutMode.AB, 50, Optional.of(key));
    f.serving.changed("species");
    Map<String, String> byKey = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 340; i += 3) {
        Object value = f.penguins.get(i).get(key);
        if (value == null) {
          continue;
        }
        String text = String.valueOf(((Number) value).doubleValue());
        String version = version(json(f.send("POST", PREDICT, single(i, Optional.empty())), 200));
        String first = byKey.putIfAbsent(text, version);
        assertThat(version).as("key %s", text).isEqualTo(first == null ? version : first);
        String expected = StickyBuckets.bucket("species", text) < 50 ? "2" : "1";
        assertThat(version).as("key %s", text).isEqualTo(expected);
      }
    }
    assertThat(new HashSet<>(byKey.values())).containsExactlyInAnyOrder("1", "2");

    // A batch goes where its first row's key goes.
    String firstKey = String.valueOf(((Number) f.penguins.get(0).get(key)).doubleValue());
    ObjectNode batch = JSON.createObjectNode();
    ArrayNode instances = batch.putArray("instances");
    for (int i : new int[] {0, 3, 6, 9}) {
      instances.add(JSON.valueToTree(f.row(i)));
    }
    JsonNode answer = json(f.send("POST", PREDICT, batch.toString()), 200);
    assertThat(answer.get("version").asText()).isEqualTo(byKey.get(firstKey));

    int before = f.logged().size();
    Map<String, Object> keyless = f.row(0);
    keyless.remove(key);
    ObjectNode body = JSON.createObjectNode();
    body.set("inputs", JSON.valueToTree(keyless));
    HttpResponse<String> refused = f.send("POST", PREDICT, body.toString());
    JsonNode problem = json(refused, 400);
    assertThat(problem.get("code").asText()).isEqualTo("missing-field");
    assertThat(problem.get("detail").asText()).contains(key);
    assertThat(f.logged()).hasSize(before);
  }

  @Test
  void aShadowIsLoggedButNeverReturned() throws Exception {
    start(PredictionLogOptions.defaults());
    f.rollout("species", 2, RolloutMode.SHADOW, 100, Optional.empty());
    f.serving.changed("species");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      JsonNode answer = json(f.send("POST", PREDICT, single(i * 10, Optional.of("s-" + i))), 200);
      assertThat(version(answer)).isEqualTo("1");
      ids.add(answer.get("id").asText());
    }
    // A shadow is logged first and heard by the observer after, both off the request's thread.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((f.logged().size() < 60 || heard(Role.SHADOW) < 30) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    List<PredictionRecord> records = f.logged();
    assertThat(records).hasSize(60);
    for (PredictionRecord r : records) {
      assertThat(ids).contains(r.predictionId());
      if (r.environment().equals("dev")) {
        assertThat(r.modelVersion()).isEqualTo("1");
      } else {
        assertThat(r.environment()).isEqualTo("dev.shadow");
        assertThat(r.modelVersion()).isEqualTo("2");
      }
    }
    assertThat(records.stream().filter(r -> r.environment().equals("dev.shadow"))).hasSize(30);
    assertThat(heard(Role.SHADOW)).isEqualTo(30);
    assertThat(heard(Role.STABLE)).isEqualTo(30);
    assertThat(f.serving.shadowsDropped()).isZero();
  }

  @Test
  void theLogHoldsExactlyTheAnsweredPredictionsWithTheirFields() throws Exception {
    start(PredictionLogOptions.defaults());
    Map<String, JsonNode> inputs = new HashMap<>();
    Map<String, JsonNode> outputs = new HashMap<>();

    JsonNode one = json(f.send("POST", PREDICT, single(5, Optional.of("one-5"))), 200);
    inputs.put("one-5", JSON.valueToTree(f.row(5)));
    outputs.put("one-5", one.get("outputs"));

    ObjectNode rows = JSON.createObjectNode();
    ArrayNode array = rows.putArray("rows");
    for (int i : new int[] {20, 120, 220}) {
      array.addObject().put("id", "row-" + i).set("inputs", JSON.valueToTree(f.row(i)));
      inputs.put("row-" + i, JSON.valueToTree(f.row(i)));
    }
    for (JsonNode p : json(f.send("POST", PREDICT, rows.toString()), 200).get("predictions")) {
      outputs.put(p.get("id").asText(), p.get("outputs"));
    }

    // Refused requests leave nothing in the log.
    json(f.send("POST", PREDICT, "{\"inputs\": {\"Island\": NaN}}"), 400);
    json(f.send("POST", PREDICT, "{\"rows\": []}"), 400);
    json(f.send("POST", "/api/v1/deployments/nope/predict", single(1, Optional.empty())), 404);
    json(f.send("POST", "/deployments/species/invocations", "{\"dataframe_records\": ["), 400);
    json(f.send("POST", "/v2/models/species/infer", "{\"inputs\": []}"), 400);

    List<PredictionRecord> records = f.logged();
    assertThat(records)
        .extracting(PredictionRecord::predictionId)
        .hasSameElementsAs(inputs.keySet());
    for (PredictionRecord r : records) {
      assertThat(r.deployment()).isEqualTo("species");
      assertThat(r.environment()).isEqualTo("dev");
      assertThat(r.modelName()).isEqualTo("species");
      assertThat(r.modelVersion()).isEqualTo("1");
      assertThat(r.latencyMicros()).isPositive();
      assertThat(r.requestId()).isEmpty();
      assertSameValues(JSON.readTree(r.inputs()), inputs.get(r.predictionId()));
      assertThat(JSON.readTree(r.outputs())).isEqualTo(outputs.get(r.predictionId()));
    }
  }

  @Test
  void aFullLogRefusesWholeRequestsWith503AndKeepsOnlyAnsweredOnes() throws Exception {
    // Room for about one request of two rows: concurrent requests find the queue full.
    start(
        PredictionLogOptions.defaults()
            .withMaxQueuedBytes(1024)
            .withAppendTimeout(Duration.ZERO)
            .withMaxBatchRecords(2));
    int requests = 300;
    Set<String> answered = ConcurrentHashMap.newKeySet();
    AtomicInteger full = new AtomicInteger();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    Semaphore inFlight = new Semaphore(16);
    for (int i = 0; i < requests; i++) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode rows = body.putArray("rows");
      String a = "r" + i + "-a";
      String b = "r" + i + "-b";
      rows.addObject().put("id", a).set("inputs", JSON.valueToTree(f.row(i % 300)));
      rows.addObject().put("id", b).set("inputs", JSON.valueToTree(f.row((i + 1) % 300)));
      inFlight.acquire();
      futures.add(
          f.client
              .sendAsync(f.build("POST", PREDICT, body.toString()), BodyHandlers.ofString())
              .thenAccept(
                  response -> {
                    if (response.statusCode() == 200) {
                      answered.add(a);
                      answered.add(b);
                    } else {
                      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                      assertThat(response.body()).contains("prediction-log-full");
                      assertThat(response.headers().firstValue("Retry-After")).isPresent();
                      full.incrementAndGet();
                    }
                  })
              .whenComplete((v, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    assertThat(full.get()).isPositive();
    assertThat(answered).isNotEmpty();
    assertThat(f.logged())
        .extracting(PredictionRecord::predictionId)
        .containsExactlyInAnyOrderElementsOf(answered);

    f.log.close();
    HttpResponse<String> closed = f.send("POST", PREDICT, single(1, Optional.empty()));
    assertThat(json(closed, 503).get("code").asText()).isEqualTo("prediction-log-unavailable");
  }

  /* Inputs as logged: numbers as the signature's type (190 may come back as 190.0). */
  static void assertSameValues(JsonNode logged, JsonNode sent) {
    assertThat(logged.size()).isEqualTo(sent.size());
    sent.properties()
        .forEach(
            e -> {
              JsonNode value = logged.get(e.getKey());
              if (e.getValue().isNumber()) {
                assertThat(value.asDouble()).isEqualTo(e.getValue().asDouble());
              } else {
                assertThat(value).isEqualTo(e.getValue());
              }
            });
  }

  private String single(int index, Optional<String> id) {
    ObjectNode body = JSON.createObjectNode();
    id.ifPresent(i -> body.put("id", i));
    body.set("inputs", JSON.valueToTree(f.row(index)));
    return body.toString();
  }

  private static String version(JsonNode answer) {
    return answer.get("version").asText();
  }

  private interface Body {
    String of(int i);
  }

  /* Sends {@code count} predict requests, 16 at a time, and returns the answers. */
  private List<JsonNode> concurrently(int count, Body body) throws Exception {
    List<CompletableFuture<JsonNode>> futures = new ArrayList<>(count);
    Semaphore inFlight = new Semaphore(16);
    for (int i = 0; i < count; i++) {
      inFlight.acquire();
      futures.add(
          f.client
              .sendAsync(f.build("POST", PREDICT, body.of(i)), BodyHandlers.ofString())
              .thenApply(
                  response -> {
                    try {
                      return json(response, 200);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .whenComplete((v, e) -> inFlight.release()));
    }
    List<JsonNode> answers = new ArrayList<>(count);
    for (CompletableFuture<JsonNode> future : futures) {
      answers.add(future.join());
    }
    return answers;
  }
}
