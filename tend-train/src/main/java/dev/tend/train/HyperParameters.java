package dev.tend.train;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * XGBoost settings of the trainer, with defaults that suit tabular data of up to millions of rows.
 *
 * @param rounds most boosting rounds (default 1000)
 * @param earlyStoppingRounds stop after this many rounds without a better validation metric
 *     (default 50)
 * @param maxDepth tree depth (default 6)
 * @param learningRate eta (default 0.3, XGBoost's own)
 * @param subsample share of rows per tree (default 1)
 * @param columnSample share of features per tree (default 1)
 * @param minChildWeight (default 1)
 * @param lambda L2 regularization (default 1)
 * @param maxBin histogram bins per feature (default 256)
 * @param maxCategoriesOneHot categorical features with at most this many categories split one-hot,
 *     others partition (default 4, XGBoost's own)
 * @param threads XGBoost threads; empty for all cores. Results do not depend on it
 * @param evalMetric validation metric for early stopping; empty for the task's default (logloss,
 *     mlogloss, rmse)
 */
public record HyperParameters(
    int rounds,
    int earlyStoppingRounds,
    int maxDepth,
    double learningRate,
    double subsample,
    double columnSample,
    double minChildWeight,
    double lambda,
    int maxBin,
    int maxCategoriesOneHot,
    Optional<Integer> threads,
    Optional<String> evalMetric) {
  public HyperParameters {
    requireNonNull(threads, "threads is null");
    requireNonNull(evalMetric, "evalMetric is null");
    positive(rounds, "rounds");
    positive(earlyStoppingRounds, "earlyStoppingRounds");
    positive(maxDepth, "maxDepth");
    positive(maxBin, "maxBin");
    if (!(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException("learningRate must be in (0, 1]: " + learningRate);
    }
    if (!(subsample > 0 && subsample <= 1) || !(columnSample > 0 && columnSample <= 1)) {
      throw new IllegalArgumentException("subsample and columnSample must be in (0, 1]");
    }
  }

  /**
   * The defaults. Learning rate 0.3 with up to 1000 rounds and a patience of 50: on the flagship
   * (docs/training.md) 0.1 with 500 rounds was still improving when the rounds ran out, and a
   * patience of 20 stopped it on a 20-round plateau of the validation loss at round 134.
   */
  public static HyperParameters defaults() {
    return new HyperParameters(
        1000, 50, 6, 0.3, 1, 1, 1, 1, 256, 4, Optional.empty(), Optional.empty());
  }

  public HyperParameters withRounds(int rounds) {
    return new HyperParameters(
        rounds,
        earlyStoppingRounds,
        maxDepth,
        learningRate,
        subsample,
        columnSample,
        minChildWeight,
        lambda,
        maxBin,
        maxCategoriesOneHot,
        threads,
        evalMetric);
  }

  public HyperParameters withEarlyStoppingRounds(int earlyStoppingRounds) {
    return new HyperParameters(
        rounds,
        earlyStoppingRounds,
        maxDepth,
        learningRate,
        subsample,
        columnSample,
        minChildWeight,
        lambda,
        maxBin,
        maxCategoriesOneHot,
        threads,
        evalMetric);
  }

  public HyperParameters withLearningRate(double learningRate) {
    return new HyperParameters(
        rounds,
        earlyStoppingRounds,
        maxDepth,
        learningRate,
        subsample,
        columnSample,
        minChildWeight,
        lambda,
        maxBin,
        maxCategoriesOneHot,
        threads,
        evalMetric);
  }

  public HyperParameters withSubsample(double subsample) {
    return new HyperParameters(
        rounds,
        earlyStoppingRounds,
        maxDepth,
        learningRate,
        subsample,
        columnSample,
        minChildWeight,
        lambda,
        maxBin,
        maxCategoriesOneHot,
        threads,
        evalMetric);
  }

  public HyperParameters withThreads(int threads) {
    return new HyperParameters(
        rounds,
        earlyStoppingRounds,
        maxDepth,
        learningRate,
        subsample,
        columnSample,
        minChildWeight,
        lambda,
        maxBin,
        maxCategoriesOneHot,
        Optional.of(threads),
        evalMetric);
  }

  private static void positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1: " + value);
    }
  }

  /** XGBoost's parameter map (objective, seed and class count are added by the trainer). */
  Map<String, Object> xgboost() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("tree_method", "hist");
    params.put("max_depth", maxDepth);
    params.put("eta", learningRate);
    params.put("subsample", subsample);
    params.put("colsample_bytree", columnSample);
    params.put("min_child_weight", minChildWeight);
    params.put("lambda", lambda);
    params.put("max_bin", maxBin);
    params.put("max_cat_to_onehot", maxCategoriesOneHot);
    params.put("verbosity", 0);
    threads.ifPresent(t -> params.put("nthread", t));
    return params;
  }
}
