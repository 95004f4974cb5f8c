package dev.tend.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads what Tend records from an MLflow {@code MLmodel} file: the format (from its flavors) and
 * the signature (whose inputs and outputs are JSON strings of column or tensor specs).
 */
final class MlModelFile {
  static final String FILE_NAME = "MLmodel";

  private static final int MAX_BYTES = 1 << 20;

  record Description(ModelFormat format, Signature signature) {}

  private MlModelFile() {}

  /**
   * The format and signature declared in {@code text}.
   *
   * @throws IllegalArgumentException when the file is not readable YAML of MLflow's shape
   */
  static Description parse(String text) {
    if (text.length() > MAX_BYTES) {
      throw new IllegalArgumentException("the MLmodel file is larger than 1 MiB");
    }
    Object root;
    try {
      root = load(text);
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException("the MLmodel file is not valid YAML: " + e.getMessage());
    }
    if (!(root instanceof Map<?, ?> model)) {
      throw new IllegalArgumentException("the MLmodel file is not a YAML mapping");
    }
    ModelFormat format = ModelFormat.OTHER;
    if (model.get("flavors") instanceof Map<?, ?> flavors) {
      if (flavors.containsKey("xgboost")) {
        format = ModelFormat.XGBOOST;
      } else if (flavors.containsKey("onnx")) {
        format = ModelFormat.ONNX;
      }
    }
    Signature signature = Signature.NONE;
    if (model.get("signature") instanceof Map<?, ?> sig) {
      signature = new Signature(columns(sig.get("inputs")), columns(sig.get("outputs")));
    }
    return new Description(format, signature);
  }

  /** The format a model's file names suggest when it has no MLmodel file. */
  static ModelFormat formatOfFiles(List<String> paths) {
    if (paths.stream().anyMatch(p -> p.endsWith(".onnx"))) {
      return ModelFormat.ONNX;
    }
    if (paths.stream().anyMatch(p -> p.endsWith(".ubj") || p.endsWith(".xgb"))) {
      return ModelFormat.XGBOOST;
    }
    return ModelFormat.OTHER;
  }

  private static Object load(String text) {
    return new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build())
        .loadFromString(text);
  }

  /* MLflow writes each side as a JSON string; YAML 1.2 reads JSON. */
  private static List<SignatureColumn> columns(Object side) {
    if (side == null) {
      return List.of();
    }
    Object specs;
    try {
      specs = side instanceof String json ? load(json) : side;
    } catch (YamlEngineException e) {
      throw new IllegalArgumentException("the MLmodel signature is not valid JSON");
    }
    if (!(specs instanceof List<?> list)) {
      throw new IllegalArgumentException(
          "the MLmodel signature's inputs and outputs must be lists");
    }
    List<SignatureColumn> out = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> spec) || !(spec.get("type") instanceof String type)) {
        throw new IllegalArgumentException(
            "each MLmodel signature entry needs a 'type', found " + item);
      }
      String shown = type;
      if (type.equals("tensor") && spec.get("tensor-spec") instanceof Map<?, ?> tensor) {
        shown = "tensor<" + tensor.get("dtype") + ">";
      }
      Optional<String> name =
          spec.get("name") == null ? Optional.empty() : Optional.of(spec.get("name").toString());
      out.add(new SignatureColumn(name, shown));
    }
    return out;
  }
}
