package dev.tend.bench;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.expr.Expressions;
import dev.tend.source.DataSources;
import dev.tend.train.Label;
import dev.tend.train.Split;
import dev.tend.train.TrainOptions;
import dev.tend.train.Trainer;
import dev.tend.train.TrainingResult;
import dev.tend.train.model.Task;
import dev.tend.train.model.XgboostModel;
import dev.tend.train.preprocess.DatePart;
import dev.tend.train.preprocess.Encoder;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;

/**
 * Single-row predictions per second in process, on one thread, for the flagship model (trained on
 * January flights as the pipeline's train step does): Tend's tree evaluator against XGBoost4J on
 * the same model bytes and the same real February rows, after checking that both give the same
 * probabilities. Not part of the tests.
 *
 * <pre>
 * java -cp 'tend-bench/target/tend-bench.jar:tend-bench/target/lib/*' \
 *     dev.tend.bench.TreeEvaluatorBenchmark [--data=...] [--seconds=10] [--rows=300]
 * </pre>
 */
public final class TreeEvaluatorBenchmark {
  private static final List<String> INPUTS = List.of("date", "distance", "origin", "destination");

  private TreeEvaluatorBenchmark() {}

  public static void main(String[] args) {
    Map<String, String> flags = Flags.parse(args);
    Path data = Path.of(flags.getOrDefault("data", "../shared/data/flights-3m.parquet"));
    int seconds = Integer.parseInt(flags.getOrDefault("seconds", "10"));
    int rowCount = Integer.parseInt(flags.getOrDefault("rows", "300"));
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(data.toString(), Optional.empty()))) {
      long start = System.nanoTime();
      TrainingResult trained =
          Trainer.train(dataset, flagship(), Optional.of(Expressions.parse("date < '2001-02-01'")));
      XgboostModel model = trained.model();
      System.out.printf(
          "TreeEvaluatorBenchmark: flagship trained in %.1f s, %d rounds, best %d, %d cores%n",
          (System.nanoTime() - start) / 1e9,
          trained.boostedRounds(),
          model.manifest().bestIteration(),
          Runtime.getRuntime().availableProcessors());
      List<Map<String, Object>> rows = realRows(dataset, rowCount);
      byte[] bytes = model.modelBytes();
      try (XgboostModel trees =
              XgboostModel.of(bytes, model.preprocessing(), model.manifest(), true);
          XgboostModel booster =
              XgboostModel.of(bytes, model.preprocessing(), model.manifest(), false)) {
        if (!trees.evaluatesTrees()) {
          throw new IllegalStateException("the tree evaluator does not run the flagship model");
        }
        double worst = 0;
        for (Map<String, Object> row : rows) {
          double a = trees.predict(List.of(row)).get(0).value();
          double b = booster.predict(List.of(row)).get(0).value();
          worst = Math.max(worst, Math.abs(a - b));
        }
        System.out.printf("largest difference over %d rows: %.3g%n", rows.size(), worst);
        if (worst > 1e-6) {
          throw new IllegalStateException("the runtimes disagree by " + worst);
        }
        for (int rep = 1; rep <= 2; rep++) {
          double xgboost = rate(booster, rows, seconds);
          double evaluator = rate(trees, rows, seconds);
          System.out.printf(
              "run %d: XGBoost4J %,.0f rows/s (%.1f µs), tree evaluator %,.0f rows/s (%.1f µs),"
                  + " %.1fx%n",
              rep, xgboost, 1e6 / xgboost, evaluator, 1e6 / evaluator, evaluator / xgboost);
        }
        // Where the evaluator's time goes: encoding the row alone, and the trees on encoded rows.
        Encoder encoder = new Encoder(trees.preprocessing());
        List<float[]> encoded = new ArrayList<>();
        for (Map<String, Object> row : rows) {
          encoded.add(encoder.encode(row));
        }
        double encoding = loop(seconds, i -> encoder.encode(rows.get(i % rows.size()))[0]);
        double walking = loop(seconds, i -> trees.raw(encoded.get(i % rows.size()), 1)[0][0]);
        System.out.printf(
            "encoding alone %,.0f rows/s (%.1f µs), trees on encoded rows %,.0f rows/s (%.1f µs)%n",
            encoding, 1e6 / encoding, walking, 1e6 / walking);
      }
      model.close();
    }
  }

  /* Single-row predict calls in a loop for `seconds`, after as long again of warm-up. */
  private static double rate(XgboostModel model, List<Map<String, Object>> rows, int seconds) {
    return loop(seconds, i -> model.predict(List.of(rows.get(i % rows.size()))).get(0).value());
  }

  /* Calls per second of `call` (given a counter) over `seconds`, after as long of warm-up. */
  private static double loop(int seconds, IntToDoubleFunction call) {
    double sink = 0;
    for (int phase = 0; phase < 2; phase++) {
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      int count = 0;
      long start = System.nanoTime();
      while (System.nanoTime() < end) {
        for (int i = 0; i < 100; i++) {
          sink += call.applyAsDouble(count++ & Integer.MAX_VALUE);
        }
      }
      if (phase == 1) {
        if (sink == 42) {
          System.out.println();
        }
        return count / ((System.nanoTime() - start) / 1e9);
      }
    }
    throw new AssertionError();
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
}
