package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link WindowSketch} summarises: the model's input fields in signature order and the kind
 * of prediction it answers. Taken from the served model's signature.
 *
 * @param inputs the input fields, in signature order; names unique, no {@link DataType#OTHER}
 * @param task what the model predicts, which decides the prediction column's type
 */
public record WindowSketchSchema(List<Input> inputs, Task task) {
  public WindowSketchSchema {
    inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
    requireNonNull(task, "task is null");
    Set<String> names = new HashSet<>();
    for (Input input : inputs) {
      if (!names.add(input.name())) {
        throw new IllegalArgumentException("duplicate input '" + input.name() + "'");
      }
    }
  }

  /**
   * One typed input field.
   *
   * @param name the field name in the logged inputs object
   * @param type its type; DATE and TIMESTAMP values are profiled as epoch microseconds
   */
  public record Input(String name, DataType type) {
    public Input {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("input name is empty");
      }
      if (type == DataType.OTHER) {
        throw new IllegalArgumentException(
            "input '" + name + "' has type other, which a window sketch cannot check");
      }
    }
  }

  /** What a model predicts, as its logged outputs show. */
  public enum Task {
    /** Outputs {@code probability} (of the positive class) and {@code label}. */
    BINARY(DataType.DOUBLE),
    /** Outputs {@code label} and one {@code probability_<class>} per class. */
    MULTICLASS(DataType.STRING),
    /** Outputs {@code value}. */
    REGRESSION(DataType.DOUBLE);

    private final DataType predictionType;

    Task(DataType predictionType) {
      this.predictionType = predictionType;
    }

    /**
     * The type of the sketch's {@link WindowSketch#PREDICTION} column: the positive-class
     * probability of a binary classifier, the label of a multiclass one, a regression's value.
     */
    public DataType predictionType() {
      return predictionType;
    }

    public boolean isClassifier() {
      return this != REGRESSION;
    }

    /**
     * The task of a model with these output names, as Tend's models name them: {@code value} is a
     * regression, {@code probability} a binary classifier, {@code probability_<class>} a multiclass
     * one; empty for other outputs.
     */
    public static Optional<Task> fromOutputs(Collection<String> outputNames) {
      if (outputNames.contains("value")) {
        return Optional.of(REGRESSION);
      }
      if (outputNames.contains("probability")) {
        return Optional.of(BINARY);
      }
      if (outputNames.stream().anyMatch(n -> n.startsWith("probability_"))) {
        return Optional.of(MULTICLASS);
      }
      return Optional.empty();
    }
  }
}
