package dev.tend.bench;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.evaluation.BinaryMetrics;
import dev.tend.expr.Expr;
import dev.tend.expr.Expressions;
import dev.tend.source.DataSources;
import dev.tend.train.Label;
import dev.tend.train.Split;
import dev.tend.train.TrainOptions;
import dev.tend.train.Trainer;
import dev.tend.train.TrainingResult;
import dev.tend.train.model.Task;
import dev.tend.train.preprocess.DatePart;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Times the flagship training end to end on January flights (about 508,000 rows): reading,
 * preprocessing, training and evaluation, as the trainer measures them, plus a bare scan of the
 * same columns through {@code Dataset.scanRows} as the floor for reading. Not part of the tests.
 */
public final class TrainBenchmark {
  private TrainBenchmark() {}

  public static void main(String[] args) {
    Map<String, String> flags = Flags.parse(args);
    Path data = Path.of(flags.getOrDefault("data", "../shared/data/flights-3m.parquet"));
    String until = flags.getOrDefault("until", "2001-02-01");
    int reps = Integer.parseInt(flags.getOrDefault("reps", "2"));
    Optional<Expr> where = Optional.of(Expressions.parse("date < '" + until + "'"));
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
                    LocalDateTime.parse("2001-01-25T00:00")));
    System.out.printf(
        "TrainBenchmark on %s (date < %s), %d cores%n",
        data, until, Runtime.getRuntime().availableProcessors());
    try (Engine engine = DuckDbEngines.create()) {
      for (int rep = 1; rep <= reps; rep++) {
        try (Dataset dataset = engine.open(DataSources.parse(data.toString(), Optional.empty()))) {
          long start = System.nanoTime();
          long[] rows = new long[1];
          dataset.scanRows(
              List.of("date", "distance", "origin", "destination", "delay"),
              where,
              values -> rows[0]++);
          double bareScan = (System.nanoTime() - start) / 1e9;

          TrainingResult result = Trainer.train(dataset, options, where);
          BinaryMetrics m = result.binary().orElseThrow();
          System.out.printf(
              "rep %d: rows %,d (train %,d, validation %,d, holdout %,d)%n"
                  + "  bare scan %.2f s | read %.2f s, preprocess %.2f s, train %.2f s (%d rounds),"
                  + " evaluate %.2f s, total %.2f s%n"
                  + "  holdout AUC %.4f, F1 %.4f, log loss %.4f%n",
              rep,
              rows[0],
              result.trainRows(),
              result.validationRows(),
              result.testRows(),
              bareScan,
              seconds(result.timings().read()),
              seconds(result.timings().preprocess()),
              seconds(result.timings().train()),
              result.boostedRounds(),
              seconds(result.timings().evaluate()),
              seconds(result.timings().total()),
              m.rocAuc().value(),
              m.f1().value(),
              m.logLoss().value());
          result.model().close();
        }
      }
    }
  }

  private static double seconds(java.time.Duration d) {
    return d.toNanos() / 1e9;
  }
}
