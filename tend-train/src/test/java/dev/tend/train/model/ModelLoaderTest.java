package dev.tend.train.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.source.DataSources;
import dev.tend.train.Label;
import dev.tend.train.Split;
import dev.tend.train.TrainException;
import dev.tend.train.TrainOptions;
import dev.tend.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each model folder format is recognized and loaded with its runtime; others are refused. */
class ModelLoaderTest {
  @TempDir Path temp;

  @Test
  void tendsOwnFolderLoadsAsTendsModel() throws Exception {
    StringBuilder csv = new StringBuilder("size,colour,big\n");
    for (int i = 0; i < 300; i++) {
      String colour = List.of("red", "green", "blue").get(i % 3);
      csv.append(i % 50).append(',').append(colour).append(',').append(i % 50 > 20).append('\n');
    }
    Path data = Files.writeString(temp.resolve("sizes.csv"), csv);
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(data.toString(), Optional.empty()))) {
      TrainOptions options =
          TrainOptions.of(Task.BINARY, Label.column("big"), List.of("size", "colour"))
              .withSplit(new Split.Random(0.2, 0.2))
              .withSeed(7);
      Map<String, Object> row = Map.of("size", 30, "colour", "red");
      try (Model trained = Trainer.train(dataset, options).model()) {
        trained.save(temp.resolve("tend"));
        try (Model loaded = ModelLoader.load(temp.resolve("tend"))) {
          assertThat(loaded).isInstanceOf(XgboostModel.class);
          assertThat(loaded.predict(List.of(row))).isEqualTo(trained.predict(List.of(row)));
        }
        Files.delete(temp.resolve("tend/manifest.json"));
        assertThatThrownBy(() -> ModelLoader.load(temp.resolve("tend")))
            .isInstanceOf(TrainException.class)
            .hasMessageContaining(
                "is an incomplete Tend model: it has preprocessing.json but no" + " manifest.json");
      }
    }
  }

  @Test
  void pythonXgboostFolderLoadsByItsModelFile() {
    JsonNode expected = Golden.expected("python-xgboost/multiclass-ubj");
    try (Model model = ModelLoader.load(Golden.folder("python-xgboost/multiclass-ubj"))) {
      assertThat(model).isInstanceOf(PythonXgboostModel.class);
      PythonXgboostModelTest.assertMatches(
          model.predict(Golden.rows(expected)), expected.get("predictions"));
    }
  }

  @Test
  void mlflowXgboostFlavorLoadsItsDataFile() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("mlflow-xgboost/files"));
    Path golden = Golden.folder("python-xgboost/regression-json");
    Files.copy(golden.resolve("model.json"), folder.resolve("booster.json"));
    Files.copy(golden.resolve("features.json"), folder.resolve("features.json"));
    Files.writeString(
        folder.getParent().resolve("MLmodel"),
        """
        artifact_path: model
        flavors:
          python_function:
            loader_module: mlflow.xgboost
          xgboost:
            data: files/booster.json
            model_format: json
        """);
    JsonNode expected = Golden.expected("python-xgboost/regression-json");
    try (Model model = ModelLoader.load(folder.getParent())) {
      assertThat(model).isInstanceOf(PythonXgboostModel.class);
      assertThat(model.signature().inputs()).hasSize(3);
      PythonXgboostModelTest.assertMatches(
          model.predict(Golden.rows(expected)), expected.get("predictions"));
    }
  }

  @Test
  void onnxFolderLoadsWithOnnxRuntime() {
    JsonNode expected = Golden.expected("onnx/classifier");
    try (Model model = ModelLoader.load(Golden.folder("onnx/classifier"))) {
      assertThat(model).isInstanceOf(OnnxModel.class);
      OnnxModelTest.assertClassified(model.predict(Golden.rows(expected)), expected);
    }
  }

  @Test
  void mlflowOnnxFlavorLoadsItsDataFile() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("mlflow-onnx"));
    Files.copy(
        Golden.folder("onnx/regressor").resolve("model.onnx"), folder.resolve("regressor.onnx"));
    Files.writeString(
        folder.resolve("MLmodel"),
        "flavors:\n  onnx:\n    data: regressor.onnx\n    onnx_version: 1.12.0\n");
    try (Model model = ModelLoader.load(folder)) {
      assertThat(model).isInstanceOf(OnnxModel.class);
      assertThat(model.manifest().task()).isEqualTo(Task.REGRESSION);
    }
  }

  @Test
  void mlmodelWithOtherFlavorsNamesThem() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("sklearn"));
    Files.writeString(
        folder.resolve("MLmodel"),
        "flavors:\n  python_function: {loader_module: mlflow.sklearn}\n"
            + "  sklearn: {pickled_model: model.pkl}\n");
    assertThatThrownBy(() -> ModelLoader.load(folder))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("has the flavors [python_function, sklearn]")
        .hasMessageContaining("Tend serves the xgboost and onnx flavors");
  }

  @Test
  void mlmodelDataOutsideTheFolderIsRefused() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("escape"));
    Files.copy(Golden.folder("onnx/regressor").resolve("model.onnx"), temp.resolve("model.onnx"));
    Files.writeString(folder.resolve("MLmodel"), "flavors:\n  onnx:\n    data: ../model.onnx\n");
    assertThatThrownBy(() -> ModelLoader.load(folder))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("the onnx flavor's data file ../model.onnx is not in " + folder);
  }

  @Test
  void brokenMlmodelIsReportedAsSuch() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("broken"));
    Files.writeString(folder.resolve("MLmodel"), "flavors: [unclosed\n");
    assertThatThrownBy(() -> ModelLoader.load(folder))
        .isInstanceOf(TrainException.class)
        .hasMessageStartingWith("cannot read " + folder.resolve("MLmodel"));
  }

  @Test
  void folderWithoutAModelSaysWhatItHasAndWhatWouldLoad() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("other"));
    Files.writeString(folder.resolve("model.pkl"), "pickle");
    assertThatThrownBy(() -> ModelLoader.load(folder))
        .isInstanceOf(TrainException.class)
        .hasMessage(
            folder
                + " holds no model Tend can load (it has model.pkl): expected manifest.json"
                + " (Tend's model), model.json or model.ubj (XGBoost saved by Python), model.onnx"
                + " (ONNX), or an MLmodel file with the xgboost or onnx flavor");
    assertThatThrownBy(() -> ModelLoader.load(temp.resolve("absent")))
        .isInstanceOf(TrainException.class)
        .hasMessageContaining("is not a model folder");
  }
}
