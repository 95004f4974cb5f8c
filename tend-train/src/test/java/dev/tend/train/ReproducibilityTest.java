package dev.tend.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.expr.Expressions;
import dev.tend.source.DataSources;
import dev.tend.train.model.Model;
import dev.tend.train.model.Prediction;
import dev.tend.train.model.Task;
import dev.tend.train.model.XgboostModel;
import dev.tend.train.preprocess.DatePart;
import dev.tend.train.preprocess.Feature;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two trainings on the same flights rows give bit-identical predictions, a saved model predicts the
 * same after loading, and unseen or missing airports are handled as documented.
 */
class ReproducibilityTest {
  @TempDir Path temp;

  private static TrainOptions options() {
    return options(HyperParameters.defaults().withRounds(30).withSubsample(0.8));
  }

  private static TrainOptions options(HyperParameters hyperParameters) {
    return TrainOptions.of(
            Task.BINARY,
            Label.greaterThan("delay", 15),
            List.of("date", "distance", "origin", "destination"))
        .withDateParts(List.of(DatePart.HOUR, DatePart.WEEKDAY))
        .withHyperParameters(hyperParameters)
        .withSeed(42)
        .withSplit(new Split.Random(0.1, 0.1));
  }

  private static TrainingResult trainOnAWeek() {
    return trainOnAWeek(options());
  }

  private static TrainingResult trainOnAWeek(TrainOptions options) {
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset =
            engine.open(DataSources.parse(FlightsData.find().toString(), Optional.empty()))) {
      return Trainer.train(dataset, options, Optional.of(Expressions.parse("date < '2001-01-08'")));
    }
  }

  private static List<Map<String, Object>> probeRows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    String[] airports = {"ORD", "ATL", "LAX", "DFW", "XXX"};
    for (int i = 0; i < 200; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("date", LocalDateTime.parse("2001-03-05T06:00").plusMinutes(97L * i));
      row.put("distance", 100L + 23L * i);
      row.put("origin", airports[i % airports.length]);
      row.put("destination", i % 7 == 0 ? null : airports[(i / 5) % airports.length]);
      rows.add(row);
    }
    return rows;
  }

  @Test
  void trainingTwiceGivesBitIdenticalPredictions() {
    assertIdentical(trainOnAWeek(), trainOnAWeek());
  }

  @Test
  void trainingThatStopsEarlyStopsAtTheSameRoundTwice() {
    TrainOptions options =
        options(
            HyperParameters.defaults()
                .withRounds(300)
                .withEarlyStoppingRounds(5)
                .withSubsample(0.8));
    TrainingResult first = trainOnAWeek(options);
    TrainingResult second = trainOnAWeek(options);
    assertThat(first.boostedRounds()).isLessThan(300);
    assertThat(first.boostedRounds()).isEqualTo(first.model().manifest().bestIteration() + 1 + 5);
    assertThat(second.boostedRounds()).isEqualTo(first.boostedRounds());
    assertIdentical(first, second);
  }

  private static void assertIdentical(TrainingResult first, TrainingResult second) {
    try (XgboostModel a = first.model();
        XgboostModel b = second.model()) {
      assertThat(b.manifest()).isEqualTo(a.manifest());
      assertThat(b.preprocessing()).isEqualTo(a.preprocessing());
      List<Prediction> pa = a.predict(probeRows());
      List<Prediction> pb = b.predict(probeRows());
      for (int i = 0; i < pa.size(); i++) {
        assertThat(Double.doubleToRawLongBits(pb.get(i).value()))
            .as("row %d", i)
            .isEqualTo(Double.doubleToRawLongBits(pa.get(i).value()));
      }
      assertThat(Arrays.equals(a.modelBytes(), b.modelBytes())).isTrue();
      assertThat(second.binary().orElseThrow().rocAuc())
          .isEqualTo(first.binary().orElseThrow().rocAuc());
    }
  }

  @Test
  void airportsSplitAsCategoriesNotAsNumbers() throws Exception {
    TrainingResult result = trainOnAWeek();
    try (XgboostModel model = result.model()) {
      ml.dmlc.xgboost4j.java.Booster booster =
          ml.dmlc.xgboost4j.java.XGBoost.loadModel(model.modelBytes());
      String json =
          new String(booster.toByteArray("json"), java.nio.charset.StandardCharsets.UTF_8);
      booster.dispose();
      assertThat(json).contains("\"feature_types\":[\"q\",\"q\",\"q\",\"c\",\"c\"]");
      assertThat(json).containsPattern("\"categories_nodes\":\\[\\d");
    }
  }

  @Test
  void savedModelPredictsTheSameAfterLoading() {
    TrainingResult result = trainOnAWeek();
    try (XgboostModel model = result.model()) {
      model.save(temp.resolve("flights"));
      try (Model loaded = Model.load(temp.resolve("flights"))) {
        assertThat(loaded.predict(probeRows())).isEqualTo(model.predict(probeRows()));
        assertThat(loaded.manifest()).isEqualTo(model.manifest());
        assertThat(loaded.signature().inputs())
            .extracting(i -> i.name() + ":" + i.type().label())
            .containsExactly(
                "date:timestamp", "distance:integer", "origin:string", "destination:string");
        assertThat(loaded.signature().outputs())
            .extracting(o -> o.name())
            .containsExactly("probability", "label");
      }
    }
  }

  @Test
  void unseenAirportsUseTheOtherBucketAndMissingOnesXgboostsMissing() {
    TrainingResult result = trainOnAWeek();
    try (XgboostModel model = result.model()) {
      Feature.Categorical origin =
          (Feature.Categorical)
              model.preprocessing().features().stream()
                  .filter(f -> f.name().equals("origin"))
                  .findFirst()
                  .orElseThrow();
      assertThat(origin.categories()).hasSizeGreaterThan(150).doesNotContain("XXX");
      Map<String, Object> unseen = new HashMap<>(probeRows().get(4));
      float[] encoded = new dev.tend.train.preprocess.Encoder(model.preprocessing()).encode(unseen);
      // Features: date_hour, date_weekday, distance, origin, destination.
      assertThat(encoded[3]).isEqualTo(0f);
      assertThat(encoded[4]).isGreaterThan(0f);
      unseen.remove("distance");
      unseen.put("origin", null);
      encoded = new dev.tend.train.preprocess.Encoder(model.preprocessing()).encode(unseen);
      assertThat(encoded[2]).isNaN();
      assertThat(encoded[3]).isNaN();
      assertThat(model.predict(List.of(unseen)).get(0).value()).isBetween(0.0, 1.0);
    }
  }
}
