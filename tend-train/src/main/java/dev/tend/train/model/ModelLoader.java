package dev.tend.train.model;

import dev.tend.train.TrainException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Recognizes the format of a model folder and loads it with its runtime: Tend's own model ({@code
 * manifest.json}), an XGBoost model saved by Python ({@code model.json} or {@code model.ubj}), an
 * ONNX model ({@code model.onnx}), or an MLflow model whose {@code MLmodel} file has the {@code
 * xgboost} or {@code onnx} flavor.
 */
public final class ModelLoader {
  static final String MLMODEL = "MLmodel";
  private static final int MAX_MLMODEL_BYTES = 1 << 20;

  private ModelLoader() {}

  /**
   * Loads the model in {@code folder}.
   *
   * @throws TrainException if the folder holds no model in a known format, naming what it has and
   *     what would be loaded, or if the model cannot be read
   */
  public static Model load(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new TrainException(folder + " is not a model folder: it does not exist or is a file");
    }
    if (Files.isRegularFile(folder.resolve(ModelFiles.MANIFEST))) {
      return ModelFiles.load(folder);
    }
    if (Files.isRegularFile(folder.resolve(ModelFiles.PREPROCESSING))) {
      // Tend writes the manifest last: without it the save did not finish.
      throw new TrainException(
          folder
              + " is an incomplete Tend model: it has "
              + ModelFiles.PREPROCESSING
              + " but no "
              + ModelFiles.MANIFEST
              + " (its save did not finish); save the model again");
    }
    if (Files.isRegularFile(folder.resolve(MLMODEL))) {
      return loadMlflow(folder);
    }
    for (String name : PythonXgboostModel.MODEL_FILES) {
      if (Files.isRegularFile(folder.resolve(name))) {
        return PythonXgboostModel.load(folder, name);
      }
    }
    if (Files.isRegularFile(folder.resolve(OnnxModel.MODEL_FILE))) {
      return OnnxModel.load(folder.resolve(OnnxModel.MODEL_FILE));
    }
    throw new TrainException(
        folder
            + " holds no model Tend can load (it has "
            + listing(folder)
            + "): expected manifest.json (Tend's model), model.json or model.ubj (XGBoost saved"
            + " by Python), model.onnx (ONNX), or an MLmodel file with the xgboost or onnx"
            + " flavor");
  }

  /* MLflow's flavors name the model file: xgboost's and onnx's both keep it under "data". */
  private static Model loadMlflow(Path folder) {
    Path file = folder.resolve(MLMODEL);
    Map<?, ?> flavors = flavors(file);
    for (String flavor : List.of("xgboost", "onnx")) {
      if (flavors.get(flavor) instanceof Map<?, ?> spec) {
        String data =
            Optional.ofNullable(spec.get("data"))
                .map(Object::toString)
                .orElse(flavor.equals("onnx") ? OnnxModel.MODEL_FILE : "model.xgb");
        Path model = folder.resolve(data).normalize();
        if (!model.startsWith(folder.normalize()) || !Files.isRegularFile(model)) {
          throw new TrainException(
              file + ": the " + flavor + " flavor's data file " + data + " is not in " + folder);
        }
        return flavor.equals("onnx")
            ? OnnxModel.load(model)
            : PythonXgboostModel.load(model.getParent(), model.getFileName().toString());
      }
    }
    throw new TrainException(
        file
            + " has the flavors "
            + flavors.keySet()
            + "; Tend serves the xgboost and onnx flavors (or its own model, with a manifest.json)");
  }

  private static Map<?, ?> flavors(Path file) {
    try {
      if (Files.size(file) > MAX_MLMODEL_BYTES) {
        throw new TrainException(file + " is larger than 1 MiB; it is not an MLmodel file");
      }
      Object yaml =
          new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build())
              .loadFromString(Files.readString(file));
      if (yaml instanceof Map<?, ?> root && root.get("flavors") instanceof Map<?, ?> flavors) {
        return flavors;
      }
      throw new TrainException(file + " has no flavors: it needs a \"flavors:\" mapping");
    } catch (IOException | YamlEngineException e) {
      throw new TrainException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static String listing(Path folder) {
    try (Stream<Path> files = Files.list(folder)) {
      List<String> names = files.map(p -> p.getFileName().toString()).sorted().limit(20).toList();
      return names.isEmpty() ? "no files" : String.join(", ", names);
    } catch (IOException e) {
      return "files that cannot be listed: " + e.getMessage();
    }
  }
}
