package dev.tend.server.training;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The body of {@code POST .../models/{name}/train}.
 *
 * @param dataset the training data, {@code dataset@ref} in the route's project (ref: a version
 *     number or an alias)
 * @param label the label column
 * @param labelGreaterThan binary tasks: the label is true when the column exceeds this number
 * @param features the feature columns
 * @param task binary, multiclass or regression
 * @param split the random split; defaults to 10% validation, 20% holdout
 * @param params hyper-parameters; absent ones take the trainer's defaults
 * @param seed seeds the split and XGBoost (default 0)
 */
record TrainRequest(
    String dataset,
    String label,
    OptionalDouble labelGreaterThan,
    List<String> features,
    String task,
    Optional<SplitBody> split,
    Optional<Params> params,
    Optional<Long> seed) {
  TrainRequest {
    requireNonNull(dataset, "dataset is required");
    requireNonNull(label, "label is required");
    requireNonNull(features, "features is required");
    requireNonNull(task, "task is required");
    labelGreaterThan = labelGreaterThan == null ? OptionalDouble.empty() : labelGreaterThan;
    features = List.copyOf(features);
    split = split == null ? Optional.empty() : split;
    params = params == null ? Optional.empty() : params;
    seed = seed == null ? Optional.empty() : seed;
  }

  /** Shares of rows for early stopping and for the holdout evaluation. */
  record SplitBody(double validation, double test) {}

  /** The hyper-parameters a request may set. */
  record Params(
      Optional<Integer> rounds,
      Optional<Integer> earlyStoppingRounds,
      Optional<Integer> maxDepth,
      Optional<Double> learningRate,
      Optional<Double> subsample,
      Optional<Integer> threads) {
    Params {
      rounds = rounds == null ? Optional.empty() : rounds;
      earlyStoppingRounds = earlyStoppingRounds == null ? Optional.empty() : earlyStoppingRounds;
      maxDepth = maxDepth == null ? Optional.empty() : maxDepth;
      learningRate = learningRate == null ? Optional.empty() : learningRate;
      subsample = subsample == null ? Optional.empty() : subsample;
      threads = threads == null ? Optional.empty() : threads;
    }
  }
}
