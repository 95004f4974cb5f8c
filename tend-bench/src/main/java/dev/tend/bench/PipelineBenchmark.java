package dev.tend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.LocalServer;
import dev.tend.cli.Main;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.expr.Expressions;
import dev.tend.server.config.TendConfig;
import dev.tend.server.config.TendConfigLoader;
import dev.tend.source.DataSource;
import dev.tend.source.DataSources;
import dev.tend.source.Format;
import dev.tend.train.HyperParameters;
import dev.tend.train.Label;
import dev.tend.train.Split;
import dev.tend.train.TrainOptions;
import dev.tend.train.Trainer;
import dev.tend.train.TrainingResult;
import dev.tend.train.model.Task;
import dev.tend.train.preprocess.DatePart;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Times the flagship pipeline ({@code examples/flights/pipeline.yaml}) end to end on January
 * flights through an embedded Tend server, driven by the same {@code tend data} and {@code tend
 * pipeline} commands a user types: wall, CPU and peak memory per step as the runner records them,
 * the train step's own read / preprocess / train split, and the same training done directly with
 * {@link Trainer} in the same process as the baseline for the pipeline's overhead. Not part of the
 * tests.
 */
public final class PipelineBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUN = Pattern.compile("Run (\\S+) of pipeline ");
  private static final Pattern TRAINED =
      Pattern.compile(
          "trained (\\d+) rounds on (\\d+) rows \\(read (\\d+) ms, preprocess (\\d+) ms,"
              + " train (\\d+) ms\\)");

  private PipelineBenchmark() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> flags = Flags.parse(args);
    Path data = Path.of(flags.getOrDefault("data", "../shared/data/flights-3m.parquet"));
    Path pipeline = Path.of(flags.getOrDefault("pipeline", "examples/flights/pipeline.yaml"));
    Path suite = Path.of(flags.getOrDefault("suite", "examples/flights/suite.yaml"));
    Path dir =
        flags.containsKey("dir")
            ? Path.of(flags.get("dir"))
            : Files.createTempDirectory("tend-pipeline-bench");
    int reps = Integer.parseInt(flags.getOrDefault("reps", "1"));
    Files.createDirectories(dir);
    System.out.printf(
        "PipelineBenchmark: %s on January 2001 of %s, %d cores, work folder %s%n",
        pipeline, data, Runtime.getRuntime().availableProcessors(), dir);

    Path january = dir.resolve("flights-2001-01.parquet");
    try (Engine engine = DuckDbEngines.create()) {
      if (!Files.exists(january)) {
        Path rest = dir.resolve("flights-after-january.parquet");
        try (Dataset all = engine.open(DataSource.Files.of(data, Format.PARQUET))) {
          all.split(Expressions.parse("date >= TIMESTAMP '2001-02-01 00:00:00'"), january, rest);
        }
        Files.delete(rest);
      }
    }

    for (int rep = 1; rep <= reps; rep++) {
      System.out.printf("%n== rep %d%n", rep);
      double[] pipelineTrain =
          reportPipeline(runPipeline(dir.resolve("server-" + rep), suite, january, pipeline));
      double[] direct = trainDirectly(january);
      System.out.printf(
          "%npipeline train step / direct training: wall %.2f s / %.2f s = %.2f,"
              + " CPU %.2f s / %.2f s = %.2f%n",
          pipelineTrain[0],
          direct[0],
          pipelineTrain[0] / direct[0],
          pipelineTrain[1],
          direct[1],
          pipelineTrain[1] / direct[1]);
    }
  }

  /**
   * Prints the run's step table and the train step's own split; returns the train step's wall and
   * CPU seconds.
   */
  private static double[] reportPipeline(JsonNode run) {
    Matcher trained = TRAINED.matcher(run.path("log").asText());
    if (!trained.find()) {
      throw new IllegalStateException("the train step logged no 'trained ...' line");
    }
    double pipelineTrain = 0;
    double pipelineTrainCpu = 0;
    System.out.printf(
        "Pipeline run %s: %s%n%-10s %8s %8s %10s%n",
        run.path("id").asText(),
        run.path("status").asText(),
        "STEP",
        "WALL s",
        "CPU s",
        "PEAK MiB");
    double totalWall = 0;
    for (JsonNode step : run.path("steps")) {
      double wall = step.path("wall_seconds").asDouble();
      totalWall += wall;
      if (step.path("id").asText().equals("train")) {
        pipelineTrain = wall;
        pipelineTrainCpu = step.path("cpu_seconds").asDouble();
      }
      System.out.printf(
          "%-10s %8.2f %8.2f %10.1f%n",
          step.path("id").asText(),
          wall,
          step.path("cpu_seconds").asDouble(),
          step.path("peak_memory_bytes").asLong() / (1024.0 * 1024.0));
    }
    System.out.printf("%-10s %8.2f%n", "all steps", totalWall);
    double read = Long.parseLong(trained.group(3)) / 1000.0;
    double preprocess = Long.parseLong(trained.group(4)) / 1000.0;
    double train = Long.parseLong(trained.group(5)) / 1000.0;
    System.out.printf(
        "train step inside: %s rounds on %s rows; read %.2f s, preprocess %.2f s, train %.2f s,"
            + " the rest (holdout evaluation, saving, tracking) %.2f s%n",
        trained.group(1),
        trained.group(2),
        read,
        preprocess,
        train,
        pipelineTrain - read - preprocess - train);
    return new double[] {pipelineTrain, pipelineTrainCpu};
  }

  /**
   * Starts an embedded server in a fresh {@code serverDir}, pushes January as flights version 1
   * aliased production, runs the pipeline and waits for it. Returns the run as {@code tend pipeline
   * show} gives it, with the {@code --wait} output under {@code log}.
   */
  private static JsonNode runPipeline(Path serverDir, Path suite, Path january, Path pipeline)
      throws IOException {
    if (Files.exists(serverDir)) {
      try (Stream<Path> walk = Files.walk(serverDir)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    TendConfig settings =
        TendConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                TendConfigLoader.SERVER_PORT,
                "0",
                TendConfigLoader.DATA_DIR,
                serverDir.toString()));
    try (LocalServer server = LocalServer.start(settings, Optional.empty())) {
      String token = server.bootstrap().orElseThrow().plainText();
      Map<String, String> environment =
          Map.of("TEND_URL", server.uri().toString(), "TEND_TOKEN", token);
      tend(environment, "data", "create", "flights", "--suite", suite.toString());
      tend(environment, "data", "push", "flights", january.toString());
      tend(environment, "data", "alias", "flights", "production", "1");
      String log = tend(environment, "pipeline", "run", pipeline.toString(), "--wait");
      Matcher id = RUN.matcher(log);
      if (!id.find()) {
        throw new IllegalStateException("no run id in:\n" + log);
      }
      String shown = tend(environment, "pipeline", "show", id.group(1), "--format", "json");
      ObjectNode run = (ObjectNode) JSON.readTree(shown);
      run.put("log", log);
      return run;
    }
  }

  /** Runs one {@code tend} command in-process; fails the benchmark unless it exits 0. */
  private static String tend(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), environment);
    if (code != Main.OK) {
      throw new IllegalStateException(
          "tend " + String.join(" ", args) + " exited " + code + ":\n" + out + err);
    }
    return out.toString();
  }

  /**
   * The pipeline's train step done with {@link Trainer} directly: the options the step builds from
   * the example (label delay > 15; hour and weekday of date, distance, origin, destination; holdout
   * from the 25th with three validation days before it; max_depth 6, eta 0.3, up to 1000 rounds;
   * seed 42). Returns its wall and CPU seconds.
   */
  private static double[] trainDirectly(Path january) {
    HyperParameters d = HyperParameters.defaults();
    HyperParameters hyperParameters =
        new HyperParameters(
            1000,
            d.earlyStoppingRounds(),
            6,
            0.3,
            d.subsample(),
            d.columnSample(),
            d.minChildWeight(),
            d.lambda(),
            d.maxBin(),
            d.maxCategoriesOneHot(),
            d.threads(),
            d.evalMetric());
    TrainOptions options =
        TrainOptions.of(
                Task.BINARY,
                Label.greaterThan("delay", 15),
                List.of("date", "distance", "origin", "destination"))
            .withDateParts(List.of(DatePart.HOUR, DatePart.WEEKDAY))
            .withSplit(
                new Split.ByTime(
                    "date",
                    LocalDateTime.parse("2001-01-22T00:00"),
                    LocalDateTime.parse("2001-01-25T00:00")))
            .withHyperParameters(hyperParameters)
            .withSeed(42);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(january.toString(), Optional.empty()))) {
      long cpu = os.getProcessCpuTime();
      long start = System.nanoTime();
      TrainingResult result = Trainer.train(dataset, options, Optional.empty());
      double wall = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
      System.out.printf(
          "%nDirect training (Trainer.train, same options): %d rounds on %,d rows; wall %.2f s,"
              + " CPU %.2f s%n  read %.2f s, preprocess %.2f s, train %.2f s, evaluate %.2f s;"
              + " holdout AUC %.4f%n",
          result.boostedRounds(),
          result.trainRows(),
          wall,
          cpuSeconds,
          seconds(result.timings().read()),
          seconds(result.timings().preprocess()),
          seconds(result.timings().train()),
          seconds(result.timings().evaluate()),
          result.binary().orElseThrow().rocAuc().value());
      result.model().close();
      return new double[] {wall, cpuSeconds};
    }
  }

  private static double seconds(java.time.Duration d) {
    return d.toNanos() / 1e9;
  }
}
