package dev.tend.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.evaluation.MulticlassEvaluation;
import dev.tend.evaluation.RegressionAccumulator;
import dev.tend.evaluation.Segments;
import dev.tend.expr.Expressions;
import dev.tend.source.DataSources;
import dev.tend.train.model.Manifest;
import dev.tend.train.model.Model;
import dev.tend.train.model.Prediction;
import dev.tend.train.model.Signature;
import dev.tend.train.model.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Evaluating saved models on the real penguins data (344 rows), against the trainer's own holdout
 * metrics and against metrics computed directly from {@link Model#predict}.
 */
class EvaluatorTest {
  private static final List<String> MEASURES =
      List.of("Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Island", "Sex");
  private static final long SEED = 7;
  private static final double TEST_FRACTION = 0.2;

  @TempDir Path temp;
  private Engine engine;
  private Dataset penguins;

  /* The penguins with a "Row" column (0-based position) so a where filter can pick rows. */
  @BeforeEach
  void open() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode rows = json.readTree(SmallTasksTest.penguins().toFile());
    for (int i = 0; i < rows.size(); i++) {
      ((ObjectNode) rows.get(i)).put("Row", i);
    }
    Path numbered = temp.resolve("penguins.json");
    json.writeValue(numbered.toFile(), rows);
    engine = DuckDbEngines.create();
    penguins = engine.open(DataSources.parse(numbered.toString(), Optional.empty()));
  }

  @AfterEach
  void close() {
    penguins.close();
    engine.close();
  }

  private static Label label(Task task) {
    return switch (task) {
      case BINARY -> Label.greaterThan("Body Mass (g)", 4000);
      case MULTICLASS -> Label.column("Species");
      case REGRESSION -> Label.column("Body Mass (g)");
    };
  }

  /*
   * Few rounds on one thread keep the tests quick (XGBoost's threads crawl on a busy machine);
   * binary models predict positive above 0.3, not 0.5.
   */
  private static TrainOptions options(Task task) {
    TrainOptions o = TrainOptions.of(task, label(task), MEASURES);
    return new TrainOptions(
        task,
        o.label(),
        o.features(),
        o.dateParts(),
        new Split.Random(0.2, TEST_FRACTION),
        HyperParameters.defaults().withRounds(60).withThreads(1),
        SEED,
        task == Task.BINARY ? 0.3 : o.threshold(),
        o.minCategoryCount(),
        o.maxCategories());
  }

  private TrainingResult train(Task task) {
    return Trainer.train(penguins, options(task));
  }

  private static Optional<dev.tend.expr.Expr> where(String text) {
    return Optional.of(Expressions.parse(text));
  }

  @ParameterizedTest
  @EnumSource(Task.class)
  void theTrainersHoldoutRowsGiveTheTrainersHoldoutMetrics(Task task) {
    TrainingResult result = train(task);
    // The trainer's random split: row i (in scan order) is a holdout row when its draw is below
    // the test fraction.
    String holdout =
        IntStream.range(0, 344)
            .filter(i -> Trainer.uniform(SEED, i) < TEST_FRACTION)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(", ", "\"Row\" IN (", ")"));
    try (Model model = result.model()) {
      Evaluation evaluation =
          Evaluator.evaluate(model, penguins, label(task), where(holdout), Optional.empty(), 7, 50);
      SortedMap<String, Double> expected =
          switch (task) {
            case BINARY -> Evaluation.definedMetrics(result.binary().orElseThrow());
            case MULTICLASS -> Evaluation.definedMetrics(result.multiclass().orElseThrow());
            case REGRESSION -> Evaluation.definedMetrics(result.regression().orElseThrow());
          };
      assertThat(evaluation.task()).isEqualTo(task);
      if (task == Task.BINARY) {
        assertThat(evaluation.binary().orElseThrow().threshold()).isEqualTo(0.3);
      }
      assertThat(evaluation.rows()).isEqualTo(result.testRows());
      assertSameMetrics(evaluation.metrics(), expected);
      assertThat(evaluation.metrics())
          .containsKeys(
              switch (task) {
                case BINARY ->
                    new String[] {
                      "accuracy",
                      "precision",
                      "recall",
                      "f1",
                      "roc_auc",
                      "average_precision",
                      "log_loss",
                      "brier",
                      "expected_calibration_error"
                    };
                case MULTICLASS ->
                    new String[] {"accuracy", "f1_macro", "f1_weighted", "roc_auc", "log_loss"};
                case REGRESSION -> new String[] {"mae", "rmse", "r2", "mape"};
              });
      if (task == Task.BINARY) {
        assertThat(evaluation.calibration())
            .isNotEmpty()
            .isEqualTo(result.binary().orElseThrow().calibration());
      } else {
        assertThat(evaluation.calibration()).isEmpty();
      }
      // One batch of all rows gives what batches of 7 gave.
      Evaluation oneBatch =
          Evaluator.evaluate(model, penguins, label(task), where(holdout), Optional.empty());
      assertThat(oneBatch.metrics()).isEqualTo(evaluation.metrics());
    }
  }

  /* Many batches of 8,192 rows, on the flagship split of January flights with few rounds. */
  @Test
  void januaryFlightsHoldoutByTimeGivesTheTrainersHoldoutMetrics() {
    TrainOptions options =
        FlagshipTrainingTest.flagshipOptions()
            .withHyperParameters(HyperParameters.defaults().withRounds(20).withThreads(1));
    try (Dataset flights =
        engine.open(DataSources.parse(FlightsData.find().toString(), Optional.empty()))) {
      TrainingResult result = Trainer.train(flights, options, where("date < '2001-02-01'"));
      try (Model model = result.model()) {
        Evaluation evaluation =
            Evaluator.evaluate(
                model,
                flights,
                options.label(),
                where("date >= '2001-01-25' AND date < '2001-02-01'"),
                Optional.of("origin"));
        assertThat(evaluation.rows()).isEqualTo(result.testRows()).isGreaterThan(10 * 8192);
        assertSameMetrics(
            evaluation.metrics(), Evaluation.definedMetrics(result.binary().orElseThrow()));
        assertThat(evaluation.segments()).hasSize(Evaluator.MAX_SEGMENTS + 1);
        assertThat(
                evaluation.segments().values().stream().mapToLong(Evaluation.Segment::rows).sum())
            .isEqualTo(evaluation.rows());
        System.out.printf(
            "flights holdout: %d rows, %s, %s%n",
            evaluation.rows(), evaluation.timings(), evaluation.metrics());
      }
    }
  }

  @Test
  void aSavedAndLoadedModelEvaluatesIdentically() {
    TrainingResult result = train(Task.BINARY);
    result.model().save(temp.resolve("model"));
    try (Model trained = result.model();
        Model loaded = Model.load(temp.resolve("model"))) {
      Evaluation before =
          Evaluator.evaluate(
              trained, penguins, label(Task.BINARY), Optional.empty(), Optional.of("Island"));
      Evaluation after =
          Evaluator.evaluate(
              loaded, penguins, label(Task.BINARY), Optional.empty(), Optional.of("Island"));
      assertThat(before.rows()).isEqualTo(342);
      assertThat(before.skippedRows()).isEqualTo(2);
      assertThat(after.rows()).isEqualTo(before.rows());
      assertThat(after.skippedRows()).isEqualTo(before.skippedRows());
      assertThat(after.metrics()).isEqualTo(before.metrics());
      assertThat(after.binary()).isEqualTo(before.binary());
      assertThat(after.calibration()).isEqualTo(before.calibration());
      assertThat(after.segments()).isEqualTo(before.segments());
      assertThat(before.segments()).containsOnlyKeys("Biscoe", "Dream", "Torgersen");
    }
  }

  @ParameterizedTest
  @EnumSource(Task.class)
  void eachSegmentEvaluatesAsItsOwnWhereFilter(Task task) {
    try (Model model = train(task).model()) {
      Evaluation bySex =
          Evaluator.evaluate(model, penguins, label(task), Optional.empty(), Optional.of("Sex"));
      assertThat(bySex.segmentColumn()).hasValue("Sex");
      assertThat(bySex.segments()).containsOnlyKeys("MALE", "FEMALE", ".", Segments.MISSING);
      assertThat(bySex.segments().values().stream().mapToLong(Evaluation.Segment::rows).sum())
          .isEqualTo(bySex.rows());
      for (Map.Entry<String, Evaluation.Segment> segment : bySex.segments().entrySet()) {
        String filter =
            segment.getKey().equals(Segments.MISSING)
                ? "Sex IS NULL"
                : "Sex = '" + segment.getKey() + "'";
        assertSegment(model, task, segment.getValue(), filter);
      }

      // Capped at the two largest islands: the third is the other bucket.
      Evaluation byIsland =
          Evaluator.evaluate(
              model,
              penguins,
              label(task),
              Optional.empty(),
              Optional.of("Island"),
              Evaluator.BATCH_ROWS,
              2);
      assertThat(byIsland.segments()).containsOnlyKeys("Biscoe", "Dream", Evaluator.OTHER_SEGMENT);
      assertSegment(model, task, byIsland.segments().get("Biscoe"), "Island = 'Biscoe'");
      assertSegment(
          model, task, byIsland.segments().get(Evaluator.OTHER_SEGMENT), "Island = 'Torgersen'");
      // Two small segments (one of them the missing values) share the other bucket.
      Evaluation sexCapped =
          Evaluator.evaluate(
              model,
              penguins,
              label(task),
              Optional.empty(),
              Optional.of("Sex"),
              Evaluator.BATCH_ROWS,
              2);
      assertThat(sexCapped.segments()).containsOnlyKeys("MALE", "FEMALE", Evaluator.OTHER_SEGMENT);
      assertSegment(
          model,
          task,
          sexCapped.segments().get(Evaluator.OTHER_SEGMENT),
          "Sex IS NULL OR Sex = '.'");
    }
  }

  private void assertSegment(Model model, Task task, Evaluation.Segment segment, String filter) {
    Evaluation alone =
        Evaluator.evaluate(model, penguins, label(task), where(filter), Optional.empty());
    assertThat(segment.rows()).as(filter).isEqualTo(alone.rows());
    assertThat(segment.metrics()).as(filter).isEqualTo(alone.metrics());
  }

  @Test
  void regressionAndMulticlassEqualMetricsComputedFromPredict() {
    for (Task task : List.of(Task.REGRESSION, Task.MULTICLASS)) {
      try (Model model = train(task).model()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Object> labels = new ArrayList<>();
        List<String> columns = new ArrayList<>(MEASURES);
        columns.add(label(task).column());
        penguins.scanRows(
            columns,
            Optional.empty(),
            values -> {
              if (values[MEASURES.size()] == null) {
                return;
              }
              Map<String, Object> row = new HashMap<>();
              for (int i = 0; i < MEASURES.size(); i++) {
                row.put(MEASURES.get(i), values[i]);
              }
              rows.add(row);
              labels.add(values[MEASURES.size()]);
            });
        List<Prediction> predictions = model.predict(rows);
        SortedMap<String, Double> expected;
        if (task == Task.REGRESSION) {
          double[] actual = labels.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
          double[] predicted = predictions.stream().mapToDouble(Prediction::value).toArray();
          expected = Evaluation.definedMetrics(RegressionAccumulator.evaluate(actual, predicted));
        } else {
          List<String> classes = model.manifest().classes();
          int[] actual = labels.stream().mapToInt(v -> classes.indexOf(v.toString())).toArray();
          double[][] p =
              predictions.stream().map(Prediction::probabilities).toArray(double[][]::new);
          expected = Evaluation.definedMetrics(MulticlassEvaluation.evaluate(actual, p));
        }

        Evaluation evaluation =
            Evaluator.evaluate(model, penguins, label(task), Optional.empty(), Optional.empty());
        assertThat(evaluation.rows()).isEqualTo(rows.size());
        assertThat(evaluation.metrics()).isEqualTo(expected);
        // A model that is not an XgboostModel goes through predict(): the same numbers.
        Evaluation throughPredict =
            Evaluator.evaluate(
                new Forwarding(model),
                penguins,
                label(task),
                Optional.empty(),
                Optional.of("Island"),
                5,
                50);
        assertThat(throughPredict.metrics()).isEqualTo(expected);
        Evaluation fast =
            Evaluator.evaluate(
                model, penguins, label(task), Optional.empty(), Optional.of("Island"));
        assertThat(throughPredict.segments()).isEqualTo(fast.segments());
        if (task == Task.REGRESSION) {
          assertThat(evaluation.metrics().get("r2")).isGreaterThan(0.6);
        } else {
          assertThat(evaluation.metrics().get("accuracy")).isGreaterThan(0.9);
        }
      }
    }
  }

  @Test
  void badColumnsLabelsAndFiltersFailWithAClearReason() throws IOException {
    try (Model binary = train(Task.BINARY).model();
        Model multiclass = train(Task.MULTICLASS).model();
        Model regression = train(Task.REGRESSION).model()) {
      Label mass = label(Task.BINARY);
      Path noBeaks = temp.resolve("no-beaks.json");
      Files.writeString(
          noBeaks,
          "[{\"Species\": \"Adelie\", \"Island\": \"Dream\", \"Flipper Length (mm)\": 181,"
              + " \"Sex\": \"MALE\", \"Body Mass (g)\": 3750}]");
      try (Dataset withoutBeaks =
          engine.open(DataSources.parse(noBeaks.toString(), Optional.empty()))) {
        assertThatThrownBy(
                () ->
                    Evaluator.evaluate(
                        binary, withoutBeaks, mass, Optional.empty(), Optional.empty()))
            .isInstanceOf(TrainException.class)
            .hasMessageContaining("the input column 'Beak Length (mm)' is not in the dataset")
            .hasMessageContaining(
                "its columns are [Species, Island, Flipper Length (mm), Sex, Body Mass (g)]");
      }
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      binary,
                      penguins,
                      Label.greaterThan("Weight", 4000),
                      Optional.empty(),
                      Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining("the label column 'Weight' is not in the dataset")
          .hasMessageContaining("Body Mass (g)");
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      binary, penguins, mass, Optional.empty(), Optional.of("Colony")))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining("the segment column 'Colony' is not in the dataset")
          .hasMessageContaining("Island");
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      regression,
                      penguins,
                      Label.column("Species"),
                      Optional.empty(),
                      Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining("'Species' is string, which does not fit a regression task");
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      binary,
                      penguins,
                      Label.column("Beak Length (mm)"),
                      Optional.empty(),
                      Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining("'Beak Length (mm)' is double, which does not fit a binary task");
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      binary,
                      penguins,
                      Label.column("Body Mass (g)"),
                      Optional.empty(),
                      Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining(
              "row 1: the binary label 'Body Mass (g)' is 3750; integers must be 0 or 1");
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      multiclass, penguins, mass, Optional.empty(), Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining("'greater than' label fits a binary model")
          .hasMessageContaining("multiclass");
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      binary, penguins, mass, where("Colour = 'red'"), Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining("the where filter does not fit the dataset")
          .hasMessageContaining("Colour");
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      binary, penguins, mass, where("Species = 'Emperor'"), Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessage("no rows to evaluate (0 skipped for a missing label)");
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      regression,
                      penguins,
                      label(Task.REGRESSION),
                      where("\"Body Mass (g)\" IS NULL"),
                      Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessage("no rows to evaluate (2 skipped for a missing label)");
    }

    // A class the model never saw cannot be scored.
    try (Model withoutGentoo =
        Trainer.train(penguins, options(Task.MULTICLASS), where("Species != 'Gentoo'")).model()) {
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      withoutGentoo,
                      penguins,
                      Label.column("Species"),
                      Optional.empty(),
                      Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining(
              "the label 'Species' is 'Gentoo', which is not one of the model's classes"
                  + " [Adelie, Chinstrap]");
    }

    // An input of another kind than the model was trained on: text where it read numbers.
    Path odd = temp.resolve("odd.json");
    Files.writeString(
        odd,
        "[{\"Beak Length (mm)\": \"long\", \"Beak Depth (mm)\": 18.7, \"Flipper Length (mm)\":"
            + " 181, \"Island\": \"Dream\", \"Sex\": \"MALE\", \"Body Mass (g)\": 3750}]");
    try (Model binary = train(Task.BINARY).model();
        Dataset oddRows = engine.open(DataSources.parse(odd.toString(), Optional.empty()))) {
      assertThatThrownBy(
              () ->
                  Evaluator.evaluate(
                      binary, oddRows, label(Task.BINARY), Optional.empty(), Optional.empty()))
          .isInstanceOf(TrainException.class)
          .hasMessageContaining(
              "the input column 'Beak Length (mm)' is string in the dataset, but the model was"
                  + " trained on double values");
    }
  }

  private static void assertSameMetrics(
      SortedMap<String, Double> actual, SortedMap<String, Double> expected) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (key, value) -> assertThat(actual.get(key)).as(key).isCloseTo(value, within(1e-12)));
  }

  /** A model that is not an XgboostModel: evaluation must go through predict(). */
  private record Forwarding(Model model) implements Model {
    @Override
    public Signature signature() {
      return model.signature();
    }

    @Override
    public Manifest manifest() {
      return model.manifest();
    }

    @Override
    public List<Prediction> predict(List<? extends Map<String, ?>> rows) {
      return model.predict(rows);
    }

    @Override
    public void save(Path directory) {
      model.save(directory);
    }

    @Override
    public void close() {}
  }
}
