package dev.tend.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.evaluation.MulticlassMetrics;
import dev.tend.evaluation.RegressionMetrics;
import dev.tend.source.DataSources;
import dev.tend.train.model.Model;
import dev.tend.train.model.Prediction;
import dev.tend.train.model.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multiclass, regression and bad options on the real penguins data (344 rows). */
class SmallTasksTest {
  @TempDir Path temp;

  static Path penguins() {
    return FlightsData.find().resolveSibling("penguins.json");
  }

  private static final List<String> MEASURES =
      List.of("Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Island", "Sex");

  @Test
  void multiclassLearnsSpeciesAndRoundTrips() {
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(penguins().toString(), Optional.empty()))) {
      TrainOptions options =
          TrainOptions.of(Task.MULTICLASS, Label.column("Species"), MEASURES)
              .withSplit(new Split.Random(0.2, 0.2))
              .withSeed(7);
      TrainingResult result = Trainer.train(dataset, options);
      MulticlassMetrics m = result.multiclass().orElseThrow();
      assertThat(result.model().manifest().classes())
          .containsExactly("Adelie", "Chinstrap", "Gentoo");
      assertThat(m.accuracy().value()).isGreaterThan(0.9);
      assertThat(m.rocAuc().value()).isGreaterThan(0.95);

      Map<String, Object> row = new HashMap<>();
      row.put("Beak Length (mm)", 46.5);
      row.put("Beak Depth (mm)", 14.5);
      row.put("Flipper Length (mm)", 217);
      row.put("Island", "Biscoe");
      row.put("Sex", null);
      Prediction gentoo = result.model().predict(List.of(row)).get(0);
      assertThat(gentoo.label()).hasValue("Gentoo");
      assertThat(gentoo.probabilities()).hasSize(3);

      result.model().save(temp.resolve("species"));
      try (Model loaded = Model.load(temp.resolve("species"))) {
        assertThat(loaded.predict(List.of(row))).containsExactly(gentoo);
        assertThat(loaded.signature()).isEqualTo(result.model().signature());
      }
      result.model().close();
    }
  }

  @Test
  void regressionPredictsBodyMass() {
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(penguins().toString(), Optional.empty()))) {
      TrainingResult result =
          Trainer.train(
              dataset,
              TrainOptions.of(Task.REGRESSION, Label.column("Body Mass (g)"), MEASURES)
                  .withSplit(new Split.Random(0.2, 0.2)));
      RegressionMetrics m = result.regression().orElseThrow();
      assertThat(result.skippedRows()).isEqualTo(2);
      assertThat(m.r2().value()).isGreaterThan(0.6);
      assertThat(m.rmse().value()).isLessThan(500);
      result.model().close();
    }
  }

  @Test
  void badOptionsFailWithAClearReason() {
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(penguins().toString(), Optional.empty()))) {
      assertThatThrownBy(
              () ->
                  Trainer.train(
                      dataset, TrainOptions.of(Task.REGRESSION, Label.column("Species"), MEASURES)))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining("'Species' is string, which does not fit a regression task");
      assertThatThrownBy(
              () ->
                  Trainer.train(
                      dataset,
                      TrainOptions.of(Task.MULTICLASS, Label.column("Species"), List.of("Beak"))))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining("feature column 'Beak' is not in the dataset");
      assertThatThrownBy(
              () ->
                  TrainOptions.of(
                      Task.REGRESSION, Label.greaterThan("Body Mass (g)", 4000), MEASURES))
          .hasMessageContaining("binary");
    }
  }

  @Test
  void loadingSomethingElseSaysWhatAModelDirectoryHolds() throws Exception {
    Files.writeString(temp.resolve("manifest.json"), "{\"formatVersion\": 99}");
    assertThatThrownBy(() -> Model.load(temp))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("cannot load the model");
    assertThatThrownBy(() -> Model.load(temp.resolve("nothing")))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("has no manifest.json");
  }
}
