package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.SourceLocation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One step of a pipeline: its id, the steps it needs, and what it does ({@link Body}, one record
 * per kind).
 */
public record Step(String id, List<String> needs, Body body, SourceLocation location) {
  public Step {
    requireNonNull(id, "id is null");
    needs = List.copyOf(needs);
    requireNonNull(body, "body is null");
    requireNonNull(location, "location is null");
  }

  public StepKind kind() {
    return body.kind();
  }

  /** What a step does; each kind has its own record. */
  public sealed interface Body {
    StepKind kind();
  }

  /** Runs a check suite on a dataset version. */
  public record Validate(DatasetRef dataset, Optional<String> suite) implements Body {
    @Override
    public StepKind kind() {
      return StepKind.VALIDATE;
    }
  }

  /** The learning task of a train step. */
  public enum Task {
    BINARY,
    MULTICLASS,
    REGRESSION
  }

  /**
   * How a train step splits its data: at random (with an optional share of rows held out), or by
   * time: rows before {@code date} in {@code column} train, the rest evaluate.
   */
  public record Split(
      SplitMethod method,
      Optional<String> column,
      Optional<String> date,
      OptionalDouble fraction) {}

  /** The split methods. */
  public enum SplitMethod {
    RANDOM,
    TIME
  }

  /**
   * Trains a model. The label is a column name or an expression such as {@code delay > 15};
   * hyper-parameters are passed to the trainer as written.
   */
  public record Train(
      DatasetRef dataset,
      String label,
      List<String> features,
      Task task,
      Split split,
      Map<String, Object> hyperparameters,
      OptionalLong seed)
      implements Body {
    public Train {
      features = List.copyOf(features);
      hyperparameters = Map.copyOf(hyperparameters);
    }

    @Override
    public StepKind kind() {
      return StepKind.TRAIN;
    }
  }

  /** Evaluates a model produced by an earlier step on a dataset, optionally per segment. */
  public record Evaluate(
      String model, DatasetRef dataset, List<String> metrics, Optional<String> segment)
      implements Body {
    public Evaluate {
      metrics = List.copyOf(metrics);
    }

    @Override
    public StepKind kind() {
      return StepKind.EVALUATE;
    }
  }

  /** Passes only when every condition holds on an evaluate step's metrics. */
  public record Gate(String evaluation, List<GateCondition> conditions) implements Body {
    public Gate {
      conditions = List.copyOf(conditions);
    }

    @Override
    public StepKind kind() {
      return StepKind.GATE;
    }
  }

  /** Registers a model from an earlier step as a new version of a named model. */
  public record Register(String model, String from) implements Body {
    @Override
    public StepKind kind() {
      return StepKind.REGISTER;
    }
  }

  /** Points an alias (or an environment) of a registered model at the new version. */
  public record Deploy(String model, Optional<String> alias, Optional<String> environment)
      implements Body {
    @Override
    public StepKind kind() {
      return StepKind.DEPLOY;
    }
  }

  /** Runs a program; outputs are named files that later steps may refer to. */
  public record Command(
      List<String> argv, List<String> inputs, Map<String, String> outputs, Map<String, String> env)
      implements Body {
    public Command {
      argv = List.copyOf(argv);
      inputs = List.copyOf(inputs);
      outputs = Map.copyOf(outputs);
      env = Map.copyOf(env);
    }

    @Override
    public StepKind kind() {
      return StepKind.COMMAND;
    }
  }
}
