package dev.tend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.expr.Expressions;
import dev.tend.registry.NewModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.config.TendConfigLoader;
import dev.tend.server.deployments.DeploymentsApi;
import dev.tend.server.deployments.RolloutMonitor;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.server.serving.Batching;
import dev.tend.server.serving.ServingApi;
import dev.tend.server.serving.TrafficObserver;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.serving.log.PredictionQuery;
import dev.tend.serving.log.PredictionRecord;
import dev.tend.source.DataSources;
import dev.tend.tracking.NewRun;
import dev.tend.tracking.RunInfo;
import dev.tend.train.Label;
import dev.tend.train.Split;
import dev.tend.train.TrainOptions;
import dev.tend.train.Trainer;
import dev.tend.train.TrainingResult;
import dev.tend.train.model.Model;
import dev.tend.train.model.ModelLoader;
import dev.tend.train.model.Task;
import dev.tend.train.model.XgboostModel;
import dev.tend.train.preprocess.DatePart;
import dev.tend.train.preprocess.Encoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Single-row prediction of the flagship model over HTTP (issue 6), with wrk at a fixed number of
 * connections, against baselines measured in the same run: a no-op endpoint on Tend's own HTTP
 * stack, a Flask + gunicorn server (Debian's packages) serving the same XGBoost model with the same
 * preprocessing, once with Debian's OpenMP defaults and once with one OpenMP thread per worker, and
 * an in-process prediction loop. Tend is measured with its durable prediction log (fsync before
 * each answer, or within a sync interval), with a log that discards (the cost of logging), and with
 * micro-batching off. Not part of the tests.
 */
public final class ServingBenchmark {
  /* The servers read the routes again this often: those without DeploymentsApi learn of it so. */
  private static final Duration ROUTE_REFRESH = Duration.ofMillis(200);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> INPUTS = List.of("date", "distance", "origin", "destination");
  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
  private static final Pattern TIMEOUTS = Pattern.compile("timeout (\\d+)");
  private static final Pattern PERCENTILE =
      Pattern.compile("^\\s*(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);

  private static final String DEPLOYMENT = "flights";
  private static final String PREDICT = "/api/v1/deployments/" + DEPLOYMENT + "/predict";
  private static final String NOOP = "noop";
  private static final String LOG_ON = "tend, log on";
  private static final String LOG_OFF = "tend, log off";
  private static final String UNBATCHED = "tend, log on, batching off";
  private static final String SYNC_LATER = "tend, log on, fsync within interval";
  private static final String FLASK = "flask + gunicorn";
  private static final String FLASK_ONE = "flask + gunicorn, OMP 1 thread";

  private ServingBenchmark() {}

  /* The median over repetitions of a's throughput over b's in the same repetition. */
  private static double paired(Map<String, List<Result>> runs, String a, String b) {
    List<Result> as = runs.get(a);
    List<Result> bs = runs.get(b);
    double[] ratios = new double[as.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = as.get(i).rate() / bs.get(i).rate();
    }
    return median(ratios);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** One measured variant: requests per second and latency percentiles in milliseconds. */
  record Result(String name, double rate, double p50, double p99) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = Flags.parse(args);
    Path data = Path.of(flags.getOrDefault("data", "../shared/data/flights-3m.parquet"));
    int seconds = Integer.parseInt(flags.getOrDefault("duration", "15"));
    int warmup = Integer.parseInt(flags.getOrDefault("warmup", "5"));
    int connections = Integer.parseInt(flags.getOrDefault("connections", "16"));
    int rowCount = Integer.parseInt(flags.getOrDefault("rows", "300"));
    int flaskWorkers = Integer.parseInt(flags.getOrDefault("flask-workers", "2"));
    int reps = Integer.parseInt(flags.getOrDefault("reps", "3"));
    Duration syncInterval =
        Duration.ofMillis(Long.parseLong(flags.getOrDefault("sync-interval-ms", "1000")));
    Path out = Path.of(flags.getOrDefault("out", "tend-bench/target/serving"));
    Files.createDirectories(out);
    Path dir = Files.createTempDirectory("tend-serving-bench");
    System.out.printf(
        "ServingBenchmark: flagship model on January 2001 of %s, %d cores, wrk -t2 -c%d -d%ds"
            + " (after %d s warm-up) x %d repetitions, gunicorn -w %d, %d real rows from"
            + " February, raw output in %s%n",
        data,
        Runtime.getRuntime().availableProcessors(),
        connections,
        seconds,
        warmup,
        reps,
        flaskWorkers,
        rowCount,
        out);

    Path modelDir = flags.containsKey("model") ? Path.of(flags.get("model")) : dir.resolve("model");
    List<Map<String, Object>> rows;
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(data.toString(), Optional.empty()))) {
      if (!flags.containsKey("model")) {
        long start = System.nanoTime();
        TrainingResult trained =
            Trainer.train(
                dataset, flagship(), Optional.of(Expressions.parse("date < '2001-02-01'")));
        System.out.printf(
            "trained %d rounds in %.1f s, saved to %s%n",
            trained.boostedRounds(), (System.nanoTime() - start) / 1e9, modelDir);
        trained.model().save(modelDir);
        trained.model().close();
      }
      rows = realRows(dataset, rowCount);
    }
    Path bodies = out.resolve("bodies.jsonl");
    List<String> lines = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      lines.add(JSON.writeValueAsString(Map.of("inputs", row)));
    }
    Files.write(bodies, lines, StandardCharsets.UTF_8);
    Path jsonModel = dir.resolve("model.json");
    Booster booster = XGBoost.loadModel(Files.readAllBytes(modelDir.resolve("model.ubj")));
    Files.write(jsonModel, booster.toByteArray("json"));
    booster.dispose();

    List<Result> results = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, List<Result>> runs = new LinkedHashMap<>();
    try (Model model = ModelLoader.load(modelDir)) {
      // Loaded as the servers load it: say which runtime they predict with.
      XgboostModel xgboost = (XgboostModel) model;
      System.out.printf(
          "the model predicts with %s%n",
          xgboost.evaluatesTrees() ? "Tend's tree evaluator" : "XGBoost4J");
      IntConsumer predict = i -> model.predict(List.of(rows.get(i % rows.size())));
      results.add(inProcess("in-process loop, 1 thread", predict, 1, seconds));
      results.add(inProcess("in-process loop, 2 threads", predict, 2, seconds));
      if (xgboost.evaluatesTrees()) {
        try (XgboostModel xgboost4j =
            XgboostModel.of(
                xgboost.modelBytes(), xgboost.preprocessing(), xgboost.manifest(), false)) {
          results.add(
              inProcess(
                  "in-process loop on XGBoost4J, 1 thread",
                  i -> xgboost4j.predict(List.of(rows.get(i % rows.size()))),
                  1,
                  seconds));
        }
      }
      results.add(inplace(model, rows, seconds));
    }

    TendConfig config =
        TendConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                TendConfigLoader.SERVER_PORT,
                "0",
                TendConfigLoader.DATA_DIR,
                dir.resolve("server").toString()));
    try (StoreServices store = StoreServices.open(config);
        PredictionLog unbatchedLog =
            PredictionLog.open(
                dir.resolve("predictions-unbatched"), PredictionLogOptions.defaults());
        PredictionLog onLog =
            PredictionLog.open(dir.resolve("predictions-on"), PredictionLogOptions.defaults());
        PredictionLog laterLog =
            PredictionLog.open(
                dir.resolve("predictions-sync-later"),
                PredictionLogOptions.defaults().withSyncInterval(syncInterval));
        PredictionLog discarding = new DiscardingPredictionLog();
        ServingApi unbatched =
            servingApi(store, dir.resolve("models-unbatched"), unbatchedLog, Batching.OFF);
        ServingApi logged = servingApi(store, dir.resolve("models-on"), onLog, Batching.DEFAULT);
        ServingApi syncedLater =
            servingApi(store, dir.resolve("models-sync-later"), laterLog, Batching.DEFAULT);
        ServingApi unlogged =
            servingApi(store, dir.resolve("models-discarding"), discarding, Batching.DEFAULT)) {
      DeploymentsApi deployments =
          new DeploymentsApi(
              store.projects(),
              store.registry(),
              store.deployments(),
              unbatched.servable(),
              new RolloutMonitor(Clock.systemUTC()),
              name -> {
                unbatched.changed(name);
                logged.changed(name);
                syncedLater.changed(name);
                unlogged.changed(name);
              });
      String token = store.bootstrap(Optional.empty()).orElseThrow().plainText();
      TendServer first =
          TendServer.start(
              config,
              store.services(),
              List.of(new ProjectsApi(store.projects()), unbatched, deployments, new NoopApi()));
      TendServer on = TendServer.start(config, store.services(), List.of(logged));
      TendServer later = TendServer.start(config, store.services(), List.of(syncedLater));
      TendServer off = TendServer.start(config, store.services(), List.of(unlogged));
      try (Flask flask = Flask.start(modelDir, jsonModel, flaskWorkers, dir, "gunicorn", Map.of());
          Flask flaskOne =
              Flask.start(
                  modelDir,
                  jsonModel,
                  flaskWorkers,
                  dir,
                  "gunicorn-omp1",
                  Map.of("OMP_NUM_THREADS", "1"))) {
        deploy(store, first.uri(), token, modelDir);
        Map<String, URI> tend = new LinkedHashMap<>();
        tend.put(LOG_ON, on.uri());
        tend.put(SYNC_LATER, later.uri());
        tend.put(LOG_OFF, off.uri());
        tend.put(UNBATCHED, first.uri());
        Map<String, PredictionLog> logs =
            Map.of(LOG_ON, onLog, SYNC_LATER, laterLog, UNBATCHED, unbatchedLog);
        checkSameAnswers(
            tend, logs, Map.of(FLASK, flask.uri(), FLASK_ONE, flaskOne.uri()), token, rows);
        Wrk wrk = new Wrk(bodies, token, connections, warmup, seconds, out);
        Map<String, URI> variants = new LinkedHashMap<>();
        variants.put(NOOP, first.uri().resolve("/api/v1" + NoopApi.PATH));
        variants.put(LOG_ON, on.uri().resolve(PREDICT));
        variants.put(SYNC_LATER, later.uri().resolve(PREDICT));
        variants.put(LOG_OFF, off.uri().resolve(PREDICT));
        variants.put(UNBATCHED, first.uri().resolve(PREDICT));
        variants.put(FLASK, flask.uri().resolve("/predict"));
        variants.put(FLASK_ONE, flaskOne.uri().resolve("/predict"));
        List<String> names = new ArrayList<>(variants.keySet());
        for (int rep = 1; rep <= reps; rep++) {
          // The order rotates every repetition, so a change of load does not hit one variant only.
          for (int i = 0; i < names.size(); i++) {
            String name = names.get((i + rep - 1) % names.size());
            Instant start = Instant.now();
            WrkRun run = wrk.run(name, rep, variants.get(name));
            Result r = run.result();
            System.out.printf(
                "rep %d %-30s %8.0f req/s, p50 %8.2f ms, p99 %8.2f ms%n",
                rep, name, r.rate(), r.p50(), r.p99());
            runs.computeIfAbsent(name, n -> new ArrayList<>()).add(r);
            if (logs.containsKey(name)) {
              logged(logs.get(name), start, run, connections).ifPresent(problems::add);
            }
          }
        }
        for (String name : names) {
          List<Result> r = runs.get(name);
          results.add(
              new Result(
                  name,
                  median(r.stream().mapToDouble(Result::rate).toArray()),
                  median(r.stream().mapToDouble(Result::p50).toArray()),
                  median(r.stream().mapToDouble(Result::p99).toArray())));
        }
      } finally {
        off.close();
        later.close();
        on.close();
        first.close();
      }
    }
    report(results, runs);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "the prediction log does not hold what was answered:\n" + String.join("\n", problems));
    }
  }

  private static ServingApi servingApi(
      StoreServices store, Path models, PredictionLog log, Batching batching) {
    return new ServingApi(
        store.projects(),
        store.registry(),
        store.deployments(),
        store.artifacts(),
        models,
        log,
        TrafficObserver.NONE,
        ROUTE_REFRESH,
        batching);
  }

  /*
   * Whether the log holds a record for every request wrk saw answered since start: each answer
   * waits for its record to be durable, so at least that many; at most that many plus the
   * requests in flight when wrk stopped (its connections, twice: warm-up and timed run) and those
   * it gave up on. Returns the problem, or empty.
   */
  private static Optional<String> logged(
      PredictionLog log, Instant start, WrkRun run, int connections) {
    Instant end = Instant.now().plusSeconds(60);
    int held = log.query(PredictionQuery.of(DEPLOYMENT, start, end, Integer.MAX_VALUE)).size();
    long most = run.answered() + 2L * connections + run.timeouts();
    System.out.printf(
        "      the log holds %d predictions from this run; wrk saw %d answered%n",
        held, run.answered());
    if (held < run.answered() || held > most) {
      return Optional.of(
          run.result().name()
              + ": the log holds "
              + held
              + " predictions, wrk saw "
              + run.answered()
              + " answered (expected "
              + run.answered()
              + " to "
              + most
              + ")");
    }
    return Optional.empty();
  }

  /* The flagship's options, as the pipeline's train step builds them from examples/flights. */
  static TrainOptions flagship() {
    return TrainOptions.of(Task.BINARY, Label.greaterThan("delay", 15), INPUTS)
        .withDateParts(List.of(DatePart.HOUR, DatePart.WEEKDAY))
        .withSplit(
            new Split.ByTime(
                "date",
                LocalDateTime.parse("2001-01-22T00:00"),
                LocalDateTime.parse("2001-01-25T00:00")))
        .withSeed(42);
  }

  /* The first rows of February 1st, as a client sends them: the timestamp as ISO text. */
  private static List<Map<String, Object>> realRows(Dataset dataset, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    dataset.scanRows(
        INPUTS,
        Optional.of(Expressions.parse("date >= '2001-02-01' AND date < '2001-02-02'")),
        values -> {
          if (rows.size() < count) {
            Map<String, Object> row = new LinkedHashMap<>();
            long micros = ((Number) values[0]).longValue();
            row.put(
                "date",
                LocalDateTime.ofInstant(Instant.ofEpochSecond(micros / 1_000_000L), ZoneOffset.UTC)
                    .toString());
            row.put("distance", values[1]);
            row.put("origin", values[2]);
            row.put("destination", values[3]);
            rows.add(row);
          }
        });
    if (rows.size() < count) {
      throw new IllegalStateException("only " + rows.size() + " rows on 2001-02-01");
    }
    return rows;
  }

  /* Single-row predictions in a loop on `threads` threads, rows in rotation. */
  /*
   * What XGBoost4J's inplace_predict (no DMatrix, no feature names set per call) would give Tend's
   * runtime: the same rows encoded by the model's own Encoder, checked to give the same
   * probabilities first. A pointer for XgboostModel, not a variant of the server.
   */
  private static Result inplace(Model model, List<Map<String, Object>> rows, int seconds)
      throws Exception {
    XgboostModel xgboost = (XgboostModel) model;
    Encoder encoder = new Encoder(xgboost.preprocessing());
    int features = encoder.features();
    List<float[]> encoded = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      encoded.add(encoder.encode(row));
    }
    int[] range = {0, model.manifest().bestIteration() + 1};
    Booster booster = XGBoost.loadModel(xgboost.modelBytes());
    try {
      for (int r = 0; r < rows.size(); r++) {
        double expected = model.predict(List.of(rows.get(r))).get(0).value();
        float got = booster.inplace_predict(encoded.get(r), 1, features, Float.NaN, range)[0][0];
        if (Math.abs(expected - got) > 1e-6) {
          throw new IllegalStateException(
              "inplace_predict gives " + got + " for row " + r + ", predict " + expected);
        }
      }
      return inProcess(
          "in-process inplace_predict, 1 thread",
          i -> {
            try {
              booster.inplace_predict(encoded.get(i % rows.size()), 1, features, Float.NaN, range);
            } catch (XGBoostError e) {
              throw new IllegalStateException(e);
            }
          },
          1,
          seconds);
    } finally {
      booster.dispose();
    }
  }

  private static Result inProcess(String name, IntConsumer predict, int threads, int seconds)
      throws Exception {
    long warm = System.nanoTime() + 3_000_000_000L;
    for (int i = 0; System.nanoTime() < warm; i++) {
      predict.accept(i);
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<long[]>> parts = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int t = 0; t < threads; t++) {
        int offset = t;
        parts.add(
            pool.submit(
                () -> {
                  long[] latencies = new long[1 << 22];
                  int n = 0;
                  while (n < latencies.length) {
                    long start = System.nanoTime();
                    if (start >= end) {
                      break;
                    }
                    predict.accept(n + offset);
                    latencies[n++] = System.nanoTime() - start;
                  }
                  return Arrays.copyOf(latencies, n);
                }));
      }
      long[] all = new long[0];
      for (Future<long[]> part : parts) {
        long[] p = part.get();
        int from = all.length;
        all = Arrays.copyOf(all, from + p.length);
        System.arraycopy(p, 0, all, from, p.length);
      }
      Arrays.sort(all);
      return new Result(
          name,
          all.length / (double) seconds,
          all[(int) (all.length * 0.50)] / 1e6,
          all[(int) (all.length * 0.99)] / 1e6);
    }
  }

  /* Registers the saved model as flight-delays version 1 of project bench and deploys it. */
  private static void deploy(StoreServices store, URI uri, String token, Path modelDir)
      throws IOException, InterruptedException {
    send(uri, token, "POST", "/api/v1/projects", "{\"name\":\"bench\"}", 201);
    String projectId = store.projects().findByName("bench").orElseThrow().id();
    long experiment = store.tracking().ensureDefaultExperiment(projectId).id();
    RunInfo run =
        store
            .tracking()
            .createRun(
                new NewRun(
                    experiment,
                    Optional.of("serving-bench"),
                    Optional.of("bench"),
                    Optional.empty(),
                    List.of()));
    try (Stream<Path> files = Files.list(modelDir)) {
      for (Path file : files.toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          store.runArtifacts().put(run.runId(), "model/" + file.getFileName(), in);
        }
      }
    }
    RegisteredModel model =
        store
            .registry()
            .createModel(projectId, "flight-delays", Optional.empty(), List.of(), "bench");
    store
        .registry()
        .createVersion(
            model.id(),
            new NewModelVersion(
                "runs:/" + run.runId() + "/model",
                Optional.of(run.runId()),
                Optional.empty(),
                Optional.empty(),
                Optional.of("bench"),
                List.of()),
            "bench");
    send(
        uri,
        token,
        "PUT",
        "/api/v1/projects/bench/deployments/flights",
        "{\"model\":\"flight-delays\",\"version\":1,\"environment\":\"dev\"}",
        201);
  }

  /*
   * Every row through each Tend server and each Flask: the same probability to 1e-6 (Tend's
   * servers exactly the same), or stop. Then each real log must hold the predictions its server
   * answered, under the ids it answered with and with the probability it answered.
   */
  private static void checkSameAnswers(
      Map<String, URI> tend,
      Map<String, PredictionLog> logs,
      Map<String, URI> flasks,
      String token,
      List<Map<String, Object>> rows)
      throws IOException, InterruptedException {
    double worst = 0;
    Map<String, Map<String, Double>> answered = new HashMap<>();
    for (Map<String, Object> row : rows) {
      String body = JSON.writeValueAsString(Map.of("inputs", row));
      Map<String, Double> got = new LinkedHashMap<>();
      for (Map.Entry<String, URI> server : tend.entrySet()) {
        JsonNode answer = JSON.readTree(send(server.getValue(), token, "POST", PREDICT, body, 200));
        double p = answer.path("outputs").path("probability").asDouble(Double.NaN);
        got.put(server.getKey(), p);
        answered
            .computeIfAbsent(server.getKey(), k -> new HashMap<>())
            .put(answer.path("id").asText(), p);
      }
      for (Map.Entry<String, URI> flask : flasks.entrySet()) {
        got.put(
            flask.getKey(),
            probability(send(flask.getValue(), token, "POST", "/predict", body, 200)));
      }
      double first = got.get(LOG_ON);
      for (Map.Entry<String, Double> g : got.entrySet()) {
        double difference = Math.abs(g.getValue() - first);
        worst = Math.max(worst, difference);
        boolean same = tend.containsKey(g.getKey()) ? difference == 0 : difference <= 1e-6;
        if (!same) {
          throw new IllegalStateException("the servers disagree on " + body + ": " + got);
        }
      }
    }
    System.out.printf(
        "%s and %s agree on all %d rows: largest difference %.2e%n",
        tend.keySet(), flasks.keySet(), rows.size(), worst);
    for (Map.Entry<String, PredictionLog> log : logs.entrySet()) {
      Map<String, Double> ids = answered.get(log.getKey());
      Map<String, PredictionRecord> held = log.getValue().lookup(ids.keySet());
      for (Map.Entry<String, Double> id : ids.entrySet()) {
        PredictionRecord record = held.get(id.getKey());
        double p =
            record == null
                ? Double.NaN
                : JSON.readTree(record.outputs()).path("probability").asDouble(Double.NaN);
        if (p != id.getValue()) {
          throw new IllegalStateException(
              log.getKey()
                  + " answered prediction "
                  + id.getKey()
                  + " with "
                  + id.getValue()
                  + " but its log holds "
                  + (record == null ? "nothing" : record.outputs()));
        }
      }
      System.out.printf(
          "%s: the log holds all %d predictions answered, with their probabilities%n",
          log.getKey(), ids.size());
    }
  }

  private static double probability(String answer) throws IOException {
    return JSON.readTree(answer).path("outputs").path("probability").asDouble(Double.NaN);
  }

  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private static String send(
      URI uri, String token, String method, String path, String body, int expected)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        CLIENT.send(
            HttpRequest.newBuilder(uri.resolve(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static void report(List<Result> results, Map<String, List<Result>> runs) {
    System.out.printf("%n%-38s %10s %9s %9s%n", "variant", "req/s", "p50 ms", "p99 ms");
    Map<String, Result> byName = new HashMap<>();
    for (Result r : results) {
      byName.put(r.name(), r);
      System.out.printf("%-38s %10.0f %9.3f %9.3f%n", r.name(), r.rate(), r.p50(), r.p99());
    }
    for (String tend : List.of(LOG_ON, SYNC_LATER, LOG_OFF, UNBATCHED)) {
      System.out.printf(
          "%s: / no-op %.2f (paired %.2f; target >= 0.70), / Flask %.1fx (paired %.1fx; target"
              + " >= 20x), / Flask with one OpenMP thread %.2fx (paired %.2fx)%n",
          tend,
          ratio(byName, tend, NOOP),
          paired(runs, tend, NOOP),
          ratio(byName, tend, FLASK),
          paired(runs, tend, FLASK),
          ratio(byName, tend, FLASK_ONE),
          paired(runs, tend, FLASK_ONE));
    }
    System.out.printf(
        "prediction logging: log on / off %.2f (paired %.2f; target >= 0.90)%n",
        ratio(byName, LOG_ON, LOG_OFF), paired(runs, LOG_ON, LOG_OFF));
    System.out.printf(
        "prediction logging, fsync within the sync interval: log on / off %.2f (paired %.2f)%n",
        ratio(byName, SYNC_LATER, LOG_OFF), paired(runs, SYNC_LATER, LOG_OFF));
    System.out.printf(
        "batching on / off, both logging: %.2f (paired %.2f)%n",
        ratio(byName, LOG_ON, UNBATCHED), paired(runs, LOG_ON, UNBATCHED));
  }

  private static double ratio(Map<String, Result> byName, String a, String b) {
    return byName.get(a).rate() / byName.get(b).rate();
  }

  /** What one wrk measurement gave, and how many requests it saw answered, warm-up included. */
  record WrkRun(Result result, long answered, long timeouts) {}

  /** Runs wrk with the rotating-rows Lua script; keeps its raw output. */
  record Wrk(Path bodies, String token, int connections, int warmup, int seconds, Path out) {
    WrkRun run(String name, int rep, URI url) throws IOException, InterruptedException {
      Path script = Path.of("bench/serving.lua").toAbsolutePath();
      String warm = wrk(url, script, warmup);
      String output = wrk(url, script, seconds);
      String file = name.replaceAll("[^a-z0-9]+", "-") + "-" + rep + ".txt";
      Files.writeString(out.resolve(file), output);
      Matcher rate = RATE.matcher(output);
      if (!rate.find() || output.contains("Non-2xx")) {
        throw new IllegalStateException("wrk on " + name + " failed:\n" + output);
      }
      double p50 = Double.NaN;
      double p99 = Double.NaN;
      Matcher p = PERCENTILE.matcher(output);
      while (p.find()) {
        double v = Double.parseDouble(p.group(2));
        double ms =
            switch (p.group(3)) {
              case "us" -> v / 1000;
              case "s" -> v * 1000;
              default -> v;
            };
        if (p.group(1).equals("50")) {
          p50 = ms;
        } else {
          p99 = ms;
        }
      }
      return new WrkRun(
          new Result(name, Double.parseDouble(rate.group(1)), p50, p99),
          count(REQUESTS, warm) + count(REQUESTS, output),
          count(TIMEOUTS, warm) + count(TIMEOUTS, output));
    }

    /* The number the pattern finds in wrk's output; no match (no socket errors line) is 0. */
    private static long count(Pattern pattern, String output) {
      Matcher m = pattern.matcher(output);
      return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private String wrk(URI url, Path script, int duration)
        throws IOException, InterruptedException {
      ProcessBuilder pb =
          new ProcessBuilder(
                  "wrk",
                  "-t2",
                  "-c" + connections,
                  "-d" + duration + "s",
                  "--latency",
                  "-s",
                  script.toString(),
                  url.toString())
              .redirectErrorStream(true);
      pb.environment().put("TEND_BENCH_BODIES", bodies.toAbsolutePath().toString());
      pb.environment().put("TEND_BENCH_TOKEN", token);
      Process process = pb.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException("wrk exited " + process.exitValue() + ":\n" + output);
      }
      return output;
    }
  }

  /**
   * gunicorn serving bench/flask_serving.py with the model's JSON and preprocessing, with {@code
   * environment} added to its own; it logs to {@code dir/<name>.log}.
   */
  record Flask(Process process, int port) implements AutoCloseable {
    static Flask start(
        Path modelDir,
        Path jsonModel,
        int workers,
        Path dir,
        String name,
        Map<String, String> environment)
        throws IOException, InterruptedException {
      Path log = dir.resolve(name + ".log");
      int port;
      try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      ProcessBuilder pb =
          new ProcessBuilder(
                  "/usr/bin/python3",
                  "-m",
                  "gunicorn",
                  "-w",
                  Integer.toString(workers),
                  "-b",
                  "127.0.0.1:" + port,
                  "--chdir",
                  Path.of("bench").toAbsolutePath().toString(),
                  "--log-level",
                  "warning",
                  "flask_serving:app")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(environment);
      pb.environment().put("TEND_BENCH_MODEL_JSON", jsonModel.toString());
      pb.environment().put("TEND_BENCH_MODEL_DIR", modelDir.toString());
      Flask flask = new Flask(pb.start(), port);
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (true) {
        try {
          HttpResponse<String> r =
              CLIENT.send(
                  HttpRequest.newBuilder(flask.uri().resolve("/health")).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            return flask;
          }
        } catch (IOException e) {
          // Not listening yet.
        }
        if (!flask.process.isAlive() || System.nanoTime() > deadline) {
          flask.close();
          throw new IllegalStateException(
              "gunicorn did not start; see " + log + ":\n" + Files.readString(log));
        }
        Thread.sleep(200);
      }
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() {
      process.destroy();
      try {
        process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process.destroyForcibly();
    }
  }
}
