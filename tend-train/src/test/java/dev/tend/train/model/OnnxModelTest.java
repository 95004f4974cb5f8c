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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX models built with onnx.helper predict through ONNX Runtime as numpy computed (to 1e-6). */
class OnnxModelTest {
  @TempDir Path temp;

  @Test
  void zipMapClassifierTakesFeatureNamesFromMetadataAndClassesFromTheMaps() {
    JsonNode expected = Golden.expected("onnx/classifier");
    try (OnnxModel model = OnnxModel.load(Golden.folder("onnx/classifier").resolve("model.onnx"))) {
      assertThat(model.signature().inputs())
          .containsExactly(
              new Input("sepal_length", DataType.DOUBLE),
              new Input("sepal_width", DataType.DOUBLE),
              new Input("petal_length", DataType.DOUBLE),
              new Input("petal_width", DataType.DOUBLE));
      assertThat(model.manifest().task()).isEqualTo(Task.MULTICLASS);
      assertThat(model.manifest().classes()).containsExactly("setosa", "versicolor", "virginica");
      assertThat(model.signature().outputs())
          .extracting(Output::name)
          .containsExactly(
              "label", "probability_setosa", "probability_versicolor", "probability_virginica");
      assertClassified(model.predict(Golden.rows(expected)), expected);
    }
  }

  @Test
  void binaryClassifierWithATensorOfProbabilitiesAndGivenFeatureNames() {
    JsonNode expected = Golden.expected("onnx/binary");
    Path file = Golden.folder("onnx/binary").resolve("model.onnx");
    try (OnnxModel model = OnnxModel.load(file, List.of("age", "income"))) {
      assertThat(model.manifest().task()).isEqualTo(Task.BINARY);
      assertThat(model.manifest().classes()).containsExactly("0", "1");
      List<Prediction> predictions = model.predict(Golden.rows(expected));
      assertClassified(predictions, expected);
      for (int r = 0; r < predictions.size(); r++) {
        assertThat(predictions.get(r).value())
            .isCloseTo(expected.at("/probabilities/" + r + "/1").asDouble(), within(1e-6));
      }
    }
  }

  @Test
  void wideInputWithoutFeatureNamesIsRefusedSayingHowToNameThem() {
    Path file = Golden.folder("onnx/binary").resolve("model.onnx");
    assertThatThrownBy(() -> OnnxModel.load(file))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("input input holds 2 features without names")
        .hasMessageContaining("feature_names");
  }

  @Test
  void featureNamesComeFromFeaturesJsonBesideTheModel() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("binary"));
    Files.copy(Golden.folder("onnx/binary").resolve("model.onnx"), folder.resolve("model.onnx"));
    Files.writeString(folder.resolve("features.json"), "{\"features\": [\"age\", \"income\"]}");
    JsonNode expected = Golden.expected("onnx/binary");
    try (OnnxModel model = OnnxModel.load(folder.resolve("model.onnx"))) {
      assertThat(model.featureNames()).containsExactly("age", "income");
      assertClassified(model.predict(Golden.rows(expected)), expected);
    }
  }

  @Test
  void wrongNumberOfGivenNamesIsRefused() {
    Path file = Golden.folder("onnx/binary").resolve("model.onnx");
    assertThatThrownBy(() -> OnnxModel.load(file, List.of("age")))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("more features than the 1 names given");
  }

  @Test
  void regressorWithOneTensorPerFeature() {
    JsonNode expected = Golden.expected("onnx/regressor");
    try (OnnxModel model = OnnxModel.load(Golden.folder("onnx/regressor").resolve("model.onnx"))) {
      assertThat(model.signature().inputs()).extracting(Input::name).containsExactly("x", "y", "z");
      assertThat(model.signature().outputs()).containsExactly(new Output("value", DataType.DOUBLE));
      List<Prediction> predictions = model.predict(Golden.rows(expected));
      double[] values = Golden.doubles(expected.get("values"));
      assertThat(predictions).hasSize(values.length);
      for (int r = 0; r < values.length; r++) {
        assertThat(predictions.get(r).value()).as("row %d", r).isCloseTo(values[r], within(1e-6));
        assertThat(predictions.get(r).label()).isEmpty();
      }
    }
  }

  @Test
  void aMissingFloatIsNaNAndAWrongValueNamesItsColumn() {
    try (OnnxModel model = OnnxModel.load(Golden.folder("onnx/regressor").resolve("model.onnx"))) {
      assertThat(model.predict(List.of(Map.of("x", 1.0, "y", 2.0))).get(0).value()).isNaN();
      assertThatThrownBy(() -> model.predict(List.of(Map.of("x", 1.0, "y", "two", "z", 0))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("column 'y' needs a number, got \"two\"");
      assertThat(model.predict(List.of())).isEmpty();
    }
  }

  @Test
  void closingReleasesTheSessionAndLaterPredictionsFail() {
    OnnxModel model = OnnxModel.load(Golden.folder("onnx/regressor").resolve("model.onnx"));
    Map<String, Object> row = Map.of("x", 1.0, "y", 2.0, "z", 3.0);
    assertThat(model.predict(List.of(row)).get(0).value())
        .isCloseTo(1.5 - 0.5 + 2.25 + 0.5, within(1e-6));
    model.close();
    assertThat(model.isClosed()).isTrue();
    assertThatThrownBy(() -> model.predict(List.of(row)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the ONNX model is closed");
    model.close();
  }

  @Test
  void concurrentPredictionsOnOneSessionAgree() throws Exception {
    JsonNode expected = Golden.expected("onnx/classifier");
    try (OnnxModel model = OnnxModel.load(Golden.folder("onnx/classifier").resolve("model.onnx"))) {
      List<Map<String, Object>> rows = Golden.rows(expected);
      List<Thread> threads = new ArrayList<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      for (int t = 0; t < 4; t++) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try {
                        for (int i = 0; i < 50; i++) {
                          assertClassified(model.predict(rows), expected);
                        }
                      } catch (Throwable e) {
                        failures.add(e);
                      }
                    }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      assertThat(failures).isEmpty();
    }
  }

  @Test
  void savedCopyKeepsGivenFeatureNames() {
    Path file = Golden.folder("onnx/binary").resolve("model.onnx");
    try (OnnxModel model = OnnxModel.load(file, List.of("age", "income"))) {
      model.save(temp.resolve("copy"));
    }
    JsonNode expected = Golden.expected("onnx/binary");
    try (OnnxModel copy = OnnxModel.load(temp.resolve("copy/model.onnx"))) {
      assertClassified(copy.predict(Golden.rows(expected)), expected);
    }
  }

  @Test
  void aFileThatIsNotOnnxGivesAClearError() throws Exception {
    Path file = Files.writeString(temp.resolve("model.onnx"), "not a model");
    assertThatThrownBy(() -> OnnxModel.load(file))
        .isInstanceOf(TrainException.class)
        .hasMessageStartingWith("ONNX Runtime cannot load " + file);
  }

  static void assertClassified(List<Prediction> predictions, JsonNode expected) {
    JsonNode probabilities = expected.get("probabilities");
    assertThat(predictions).hasSize(probabilities.size());
    for (int r = 0; r < predictions.size(); r++) {
      Prediction p = predictions.get(r);
      assertThat(p.label()).as("row %d", r).hasValue(expected.at("/labels/" + r).asText());
      double[] want = Golden.doubles(probabilities.get(r));
      double[] got = p.probabilities();
      assertThat(got).as("row %d", r).hasSize(want.length);
      for (int c = 0; c < want.length; c++) {
        assertThat(got[c]).as("row %d class %d", r, c).isCloseTo(want[c], within(1e-6));
      }
    }
  }
}
