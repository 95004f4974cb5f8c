package dev.tend.train.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.schema.DataType;
import dev.tend.train.TrainException;
import dev.tend.train.preprocess.Input;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XGBoost models saved by Python's xgboost 1.7 predict as Python does (to 1e-6). */
class PythonXgboostModelTest {
  @TempDir Path temp;

  @Test
  void binaryWithCategoriesPredictsAsPythonIncludingMissingAndUnseenCategories() {
    JsonNode expected = Golden.expected("python-xgboost/binary-json");
    try (Model model = PythonXgboostModel.load(Golden.folder("python-xgboost/binary-json"))) {
      assertThat(model.signature().inputs())
          .containsExactly(
              new Input("size", DataType.DOUBLE),
              new Input("count", DataType.INTEGER),
              new Input("color", DataType.STRING),
              new Input("shape", DataType.STRING));
      assertThat(model.signature().outputs())
          .containsExactly(
              new Output("probability", DataType.DOUBLE), new Output("label", DataType.STRING));
      assertThat(model.manifest().task()).isEqualTo(Task.BINARY);
      assertThat(model.manifest().classes()).containsExactly("0", "1");
      assertThat(model.manifest().libraries())
          .containsEntry("xgboost", "1.7.4")
          .containsEntry("xgboost4j", XgboostModel.XGBOOST4J_VERSION);
      assertMatches(model.predict(Golden.rows(expected)), expected.get("predictions"));
    }
  }

  @Test
  void anUnseenCategoryIsMissingNotTheFirstCode() {
    try (Model model = PythonXgboostModel.load(Golden.folder("python-xgboost/binary-json"))) {
      Map<String, Object> unseen = new HashMap<>(Map.of("size", 10.0, "count", 3));
      unseen.put("color", "purple");
      Map<String, Object> absent = new HashMap<>(Map.of("size", 10.0, "count", 3));
      Map<String, Object> first = new HashMap<>(Map.of("size", 10.0, "count", 3));
      first.put("color", "blue");
      List<Prediction> p = model.predict(List.of(unseen, absent, first));
      assertThat(p.get(0)).isEqualTo(p.get(1));
      assertThat(p.get(0).value()).isNotEqualTo(p.get(2).value());
    }
  }

  @Test
  void multiclassUbjUsesTheModelsOwnFeatureNamesAndStopsAtTheBestIteration() {
    JsonNode expected = Golden.expected("python-xgboost/multiclass-ubj");
    try (Model model = PythonXgboostModel.load(Golden.folder("python-xgboost/multiclass-ubj"))) {
      assertThat(model.signature().inputs()).extracting(Input::name).containsExactly("a", "b", "c");
      assertThat(model.manifest().task()).isEqualTo(Task.MULTICLASS);
      assertThat(model.manifest().classes()).containsExactly("0", "1", "2");
      assertThat(model.manifest().bestIteration())
          .isEqualTo(expected.get("best_iteration").asInt());
      assertMatches(model.predict(Golden.rows(expected)), expected.get("predictions"));
    }
  }

  @Test
  void regressionWithoutNamesInTheModelTakesThemFromFeaturesJson() {
    JsonNode expected = Golden.expected("python-xgboost/regression-json");
    try (Model model = PythonXgboostModel.load(Golden.folder("python-xgboost/regression-json"))) {
      assertThat(model.signature().inputs())
          .containsExactly(
              new Input("width", DataType.DOUBLE),
              new Input("height", DataType.DOUBLE),
              new Input("angle", DataType.DOUBLE));
      assertThat(model.signature().outputs()).containsExactly(new Output("value", DataType.DOUBLE));
      assertMatches(model.predict(Golden.rows(expected)), expected.get("predictions"));
    }
  }

  @Test
  void savedCopyLoadsAndPredictsTheSame() {
    JsonNode expected = Golden.expected("python-xgboost/binary-json");
    try (Model model = PythonXgboostModel.load(Golden.folder("python-xgboost/binary-json"))) {
      model.save(temp.resolve("copy"));
    }
    assertThat(temp.resolve("copy/features.json")).exists();
    try (Model copy = PythonXgboostModel.load(temp.resolve("copy"))) {
      assertMatches(copy.predict(Golden.rows(expected)), expected.get("predictions"));
    }
  }

  @Test
  void aWrongValueNamesItsColumn() {
    try (Model model = PythonXgboostModel.load(Golden.folder("python-xgboost/binary-json"))) {
      assertThatThrownBy(() -> model.predict(List.of(Map.of("size", "big"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("column 'size' needs a number, got \"big\"");
    }
  }

  @Test
  void aCategoricalModelWithoutItsCategoriesIsRefused() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("bare"));
    Files.copy(
        Golden.folder("python-xgboost/binary-json").resolve("model.json"),
        folder.resolve("model.json"));
    assertThatThrownBy(() -> PythonXgboostModel.load(folder))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("feature 'color'")
        .hasMessageContaining("is categorical, but there is no features.json");
  }

  @Test
  void featuresJsonThatDisagreesWithTheModelIsRefused() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("mismatch"));
    Files.copy(
        Golden.folder("python-xgboost/binary-json").resolve("model.json"),
        folder.resolve("model.json"));
    Files.writeString(
        folder.resolve("features.json"),
        "{\"features\": [\"size\", \"count\", \"shape\", \"color\"],"
            + " \"categories\": {\"color\": [\"blue\"], \"shape\": [\"star\"]}}");
    assertThatThrownBy(() -> PythonXgboostModel.load(folder))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("but the model was trained on [size, count, color, shape]");
  }

  @Test
  void malformedFeaturesJsonIsNamed() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("malformed"));
    Files.copy(
        Golden.folder("python-xgboost/binary-json").resolve("model.json"),
        folder.resolve("model.json"));
    Files.writeString(folder.resolve("features.json"), "{\"features\": [");
    assertThatThrownBy(() -> PythonXgboostModel.load(folder))
        .isInstanceOf(TrainException.class)
        .hasMessageStartingWith("cannot read " + folder.resolve("features.json"));
  }

  @Test
  void aFileThatIsNotAModelGivesAClearError() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("broken"));
    Files.writeString(folder.resolve("model.json"), "{\"not\": \"a model\"}");
    assertThatThrownBy(() -> PythonXgboostModel.load(folder))
        .isInstanceOf(TrainException.class)
        .hasMessageStartingWith("XGBoost cannot read " + folder.resolve("model.json"));
  }

  static void assertMatches(List<Prediction> predictions, JsonNode expected) {
    assertThat(predictions).hasSize(expected.size());
    for (int r = 0; r < predictions.size(); r++) {
      Prediction p = predictions.get(r);
      double[] want = Golden.doubles(expected.get(r));
      if (want.length == 1) {
        assertThat(p.value()).as("row %d", r).isCloseTo(want[0], within(1e-6));
        continue;
      }
      double[] got = p.probabilities();
      assertThat(got).as("row %d", r).hasSize(want.length);
      for (int c = 0; c < want.length; c++) {
        assertThat(got[c]).as("row %d class %d", r, c).isCloseTo(want[c], within(1e-6));
      }
    }
  }
}
