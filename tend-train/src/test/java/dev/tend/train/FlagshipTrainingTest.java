package dev.tend.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.evaluation.BinaryMetrics;
import dev.tend.expr.Expressions;
import dev.tend.source.DataSources;
import dev.tend.train.model.Task;
import dev.tend.train.preprocess.DatePart;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The flagship model: January flights, delay > 15 from hour, weekday, distance and airports. */
class FlagshipTrainingTest {

  static TrainOptions flagshipOptions() {
    return TrainOptions.of(
            Task.BINARY,
            Label.greaterThan("delay", 15),
            List.of("date", "distance", "origin", "destination"))
        .withDateParts(List.of(DatePart.HOUR, DatePart.WEEKDAY))
        .withSplit(
            new Split.ByTime(
                "date",
                LocalDateTime.parse("2001-01-22T00:00"),
                LocalDateTime.parse("2001-01-25T00:00")));
  }

  @Test
  void trainsOnJanuaryAndMatchesPythonXgboostOnTheSameSplit() {
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset =
            engine.open(DataSources.parse(FlightsData.find().toString(), Optional.empty()))) {
      TrainingResult result =
          Trainer.train(
              dataset, flagshipOptions(), Optional.of(Expressions.parse("date < '2001-02-01'")));
      BinaryMetrics m = result.binary().orElseThrow();
      System.out.println(result.timings() + " best=" + result.model().manifest().bestIteration());
      System.out.println(m.rocAuc() + " f1=" + m.f1() + " logloss=" + m.logLoss());
      assertThat(result.trainRows() + result.validationRows() + result.testRows())
          .isEqualTo(508_239);
      assertThat(m.rocAuc().value()).isGreaterThan(0.6);
    }
  }
}
