package dev.tend.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.expr.Expressions;
import dev.tend.source.DataSources;
import dev.tend.train.model.Manifest;
import dev.tend.train.model.Task;
import dev.tend.train.model.TreeRows;
import dev.tend.train.model.XgboostModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Models Tend trains (binary on flights with categorical airports, multiclass and regression on
 * penguins) predict the same on the tree evaluator as on XGBoost4J, to 1e-6, on thousands of rows
 * probing every split with missing values and unseen categories, also cut at an earlier round.
 */
class TreeEvaluatorOnTrainedModelsTest {
  private static final int ROWS = 5000;

  private static void assertSameOnBothRuntimes(XgboostModel model) {
    assertThat(model.evaluatesTrees()).isTrue();
    TreeRows rows = TreeRows.ofModel(model.modelBytes());
    float[] data = rows.rows(ROWS, new Random(5));
    Manifest m = model.manifest();
    Manifest early =
        new Manifest(
            m.formatVersion(),
            m.task(),
            m.label(),
            m.classes(),
            m.threshold(),
            Math.min(3, m.bestIteration()),
            m.parameters(),
            m.seed(),
            m.libraries(),
            m.provenance());
    for (Manifest manifest : List.of(m, early)) {
      try (XgboostModel trees =
              XgboostModel.of(model.modelBytes(), model.preprocessing(), manifest, true);
          XgboostModel booster =
              XgboostModel.of(model.modelBytes(), model.preprocessing(), manifest, false)) {
        assertThat(trees.evaluatesTrees()).isTrue();
        assertThat(booster.evaluatesTrees()).isFalse();
        float[][] expected = booster.raw(data, ROWS);
        float[][] actual = trees.raw(data, ROWS);
        for (int r = 0; r < ROWS; r++) {
          assertThat(actual[r]).hasSameSizeAs(expected[r]);
          for (int c = 0; c < expected[r].length; c++) {
            assertThat((double) Math.abs(actual[r][c] - expected[r][c]))
                .as(
                    "round %d row %d: %s vs %s",
                    manifest.bestIteration(), r, actual[r][c], expected[r][c])
                .isLessThanOrEqualTo(1e-6 * Math.max(1, Math.abs(expected[r][c])));
          }
        }
      }
    }
  }

  @Test
  void flightsBinaryWithCategoricalAirports() {
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset =
            engine.open(DataSources.parse(FlightsData.find().toString(), Optional.empty()))) {
      TrainingResult result =
          Trainer.train(
              dataset,
              FlagshipTrainingTest.flagshipOptions().withSplit(new Split.Random(0.2, 0.2)),
              Optional.of(Expressions.parse("date < '2001-01-06'")));
      try (XgboostModel model = result.model()) {
        assertThat(model.preprocessing().featureTypes()).contains("c");
        assertThat(model.manifest().task()).isEqualTo(Task.BINARY);
        assertSameOnBothRuntimes(model);
      }
    }
  }

  @Test
  void penguinsMulticlassAndRegression() {
    Path penguins = SmallTasksTest.penguins();
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(penguins.toString(), Optional.empty()))) {
      List<String> measures =
          List.of("Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Island", "Sex");
      TrainingResult species =
          Trainer.train(
              dataset,
              TrainOptions.of(Task.MULTICLASS, Label.column("Species"), measures)
                  .withSplit(new Split.Random(0.2, 0.2))
                  .withSeed(7));
      try (XgboostModel model = species.model()) {
        assertSameOnBothRuntimes(model);
      }
      TrainingResult mass =
          Trainer.train(
              dataset,
              TrainOptions.of(Task.REGRESSION, Label.column("Body Mass (g)"), measures)
                  .withSplit(new Split.Random(0.2, 0.2)));
      try (XgboostModel model = mass.model()) {
        assertSameOnBothRuntimes(model);
      }
    }
  }
}
