package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.SourceLocation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One step of a pipeline: its id, the steps it needs, what it does ({@link Body}, one record per
 * kind), how long one attempt may take, and its own retry count when it overrides the pipeline's
 * ({@link Pipeline#retriesFor}).
 */
public record Step(
    String id,
    List<String> needs,
    Body body,
    Duration timeout,
    OptionalInt retries,
    SourceLocation location) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  public Step {
    requireNonNull(id, "id is null");
    needs = List.copyOf(needs);
    requireNonNull(body, "body is null");
    requireNonNull(timeout, "timeout is null");
    requireNonNull(retries, "retries is null");
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
   * hyper-parameters are passed to the trainer as written; {@code where} is a row filter passed to
   * the engine as written (such as a rolling window).
   */
  public record Train(
      DatasetRef dataset,
      String label,
      List<String> features,
      Task task,
      Split split,
      Map<String, Object> hyperparameters,
      OptionalLong seed,
      Optional<String> where)
      implements Body {
    public Train {
      features = List.copyOf(features);
      hyperparameters = Map.copyOf(hyperparameters);
      requireNonNull(where, "where is null");
    }

    @Override
    public StepKind kind() {
      return StepKind.TRAIN;
    }
  }

  /**
   * Evaluates a model produced by an earlier step on a dataset, optionally per segment, on the rows
   * {@code where} keeps (a filter passed to the engine as written). With {@code champion}, the
   * registered model that alias points at is evaluated on the same rows, for champion conditions.
   */
  public record Evaluate(
      String model,
      DatasetRef dataset,
      List<String> metrics,
      Optional<String> segment,
      Optional<ModelRef> champion,
      Optional<String> where)
      implements Body {
    public Evaluate {
      metrics = List.copyOf(metrics);
      requireNonNull(segment, "segment is null");
      requireNonNull(champion, "champion is null");
      requireNonNull(where, "where is null");
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

  /**
   * Deploys a registered model version: moves an alias, deploys it to a serving {@code environment}
   * ({@code dev}, {@code staging} or {@code prod}) through the named deployment (default {@code
   * <model>-<environment>}), or both, the alias first. With {@code rollout} the version becomes a
   * candidate next to the stable one instead of replacing it.
   */
  public record Deploy(
      String model,
      Optional<String> alias,
      Optional<String> environment,
      Optional<String> deployment,
      Optional<Rollout> rollout)
      implements Body {
    public Deploy {
      requireNonNull(model, "model is null");
      requireNonNull(alias, "alias is null");
      requireNonNull(environment, "environment is null");
      requireNonNull(deployment, "deployment is null");
      requireNonNull(rollout, "rollout is null");
    }

    @Override
    public StepKind kind() {
      return StepKind.DEPLOY;
    }
  }

  /**
   * A deploy step's rollout: the mode ({@code canary}, {@code ab} or {@code shadow}), the percent
   * of traffic the candidate gets, the sticky key of an A/B split, and the policy fields given (the
   * server's defaults fill the rest), as written.
   */
  public record Rollout(
      String mode, int percent, Optional<String> stickyKey, RolloutPolicy policy) {
    public Rollout {
      requireNonNull(mode, "mode is null");
      requireNonNull(stickyKey, "stickyKey is null");
      requireNonNull(policy, "policy is null");
    }
  }

  /** The rollout policy fields a deploy step gives; absent ones take the server's defaults. */
  public record RolloutPolicy(
      Optional<String> window,
      OptionalInt minRequests,
      OptionalDouble minSuccessRate,
      OptionalLong maxP99Millis,
      OptionalDouble maxQualityDrop,
      Optional<String> qualityMetric,
      OptionalInt failedWindows,
      Optional<String> bake,
      Optional<String> promotion) {
    public RolloutPolicy {
      requireNonNull(window, "window is null");
      requireNonNull(minRequests, "minRequests is null");
      requireNonNull(minSuccessRate, "minSuccessRate is null");
      requireNonNull(maxP99Millis, "maxP99Millis is null");
      requireNonNull(maxQualityDrop, "maxQualityDrop is null");
      requireNonNull(qualityMetric, "qualityMetric is null");
      requireNonNull(failedWindows, "failedWindows is null");
      requireNonNull(bake, "bake is null");
      requireNonNull(promotion, "promotion is null");
    }
  }

  /** Runs a program; outputs are named files that later steps may refer to. */
  public record Command(
      List<String> argv,
      List<String> inputs,
      Map<String, String> outputs,
      Map<String, String> env,
      OptionalLong seed)
      implements Body {
    public Command {
      argv = List.copyOf(argv);
      inputs = List.copyOf(inputs);
      outputs = Map.copyOf(outputs);
      env = Map.copyOf(env);
      requireNonNull(seed, "seed is null");
    }

    @Override
    public StepKind kind() {
      return StepKind.COMMAND;
    }
  }
}
