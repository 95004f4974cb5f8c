package dev.tend.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The kinds of step, with the keys each accepts (besides {@code id}, {@code kind}, {@code needs}
 * and {@code description}) and the outputs later steps may refer to as {@code
 * ${steps.<id>.outputs.<name>}}. The JSON Schema must name exactly these keys.
 */
public enum StepKind {
  VALIDATE(List.of("dataset", "versions", "suite"), List.of("report")),
  TRAIN(
      List.of(
          "dataset",
          "versions",
          "label",
          "features",
          "task",
          "split",
          "hyperparameters",
          "seed",
          "where"),
      List.of("model")),
  EVALUATE(
      List.of("model", "dataset", "versions", "metrics", "segment", "champion", "where"),
      List.of("metrics", "report")),
  GATE(List.of("evaluation", "conditions"), List.of("decision")),
  REGISTER(List.of("model", "from"), List.of("version")),
  DEPLOY(
      List.of("model", "alias", "environment", "deployment", "rollout"),
      List.of("deployment", "environment", "version", "previous_version", "revision", "rollout")),
  /** Outputs are the names declared under {@code outputs}. */
  COMMAND(List.of("argv", "inputs", "outputs", "env", "seed"), List.of());

  /** Keys every step accepts. */
  public static final List<String> COMMON_KEYS =
      List.of("id", "kind", "needs", "description", "timeout", "retries");

  private final List<String> keys;
  private final List<String> outputs;

  StepKind(List<String> keys, List<String> outputs) {
    this.keys = keys;
    this.outputs = outputs;
  }

  /** The name written in files, such as {@code train}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The keys specific to this kind. */
  public List<String> keys() {
    return keys;
  }

  /** The fixed outputs of this kind (empty for {@code command}, whose outputs are declared). */
  public List<String> outputs() {
    return outputs;
  }

  public static Optional<StepKind> of(String label) {
    for (StepKind kind : values()) {
      if (kind.label().equals(label)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  public static List<String> labels() {
    return java.util.Arrays.stream(values()).map(StepKind::label).toList();
  }
}
