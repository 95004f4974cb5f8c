package dev.tend.train;

import static java.util.Objects.requireNonNull;

import dev.tend.train.model.Task;
import dev.tend.train.preprocess.DatePart;
import java.util.List;
import java.util.Optional;

/**
 * What to train and how.
 *
 * @param task what the model predicts
 * @param label the label column and rule
 * @param features the feature columns; their kinds come from the schema
 * @param dateParts parts taken from date and timestamp features; empty for all that apply
 * @param split how rows divide into training, validation and holdout
 * @param hyperParameters XGBoost settings
 * @param seed seeds the random split and XGBoost's sampling (default 0)
 * @param threshold binary: the positive class is predicted above this probability (default 0.5)
 * @param minCategoryCount categories seen fewer times in training go to the other bucket (default
 *     5)
 * @param maxCategories at most this many categories per column get their own code, the most
 *     frequent ones (default 1000)
 */
public record TrainOptions(
    Task task,
    Label label,
    List<String> features,
    Optional<List<DatePart>> dateParts,
    Split split,
    HyperParameters hyperParameters,
    long seed,
    double threshold,
    int minCategoryCount,
    int maxCategories) {
  public TrainOptions {
    requireNonNull(task, "task is null");
    requireNonNull(label, "label is null");
    features = List.copyOf(requireNonNull(features, "features is null"));
    dateParts = requireNonNull(dateParts, "dateParts is null").map(List::copyOf);
    requireNonNull(split, "split is null");
    requireNonNull(hyperParameters, "hyperParameters is null");
    if (features.isEmpty()) {
      throw new IllegalArgumentException("name at least one feature column");
    }
    if (features.contains(label.column())) {
      throw new IllegalArgumentException(
          "the label column '" + label.column() + "' cannot also be a feature");
    }
    if (label.greaterThan().isPresent() && task != Task.BINARY) {
      throw new IllegalArgumentException("a 'greater than' label makes a binary task, not " + task);
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1): " + threshold);
    }
    if (minCategoryCount < 1 || maxCategories < 1) {
      throw new IllegalArgumentException("minCategoryCount and maxCategories must be at least 1");
    }
  }

  /** Options with every default: a random 10% validation and 20% holdout split. */
  public static TrainOptions of(Task task, Label label, List<String> features) {
    return new TrainOptions(
        task,
        label,
        features,
        Optional.empty(),
        new Split.Random(0.1, 0.2),
        HyperParameters.defaults(),
        0,
        0.5,
        5,
        1000);
  }

  public TrainOptions withSplit(Split split) {
    return new TrainOptions(
        task,
        label,
        features,
        dateParts,
        split,
        hyperParameters,
        seed,
        threshold,
        minCategoryCount,
        maxCategories);
  }

  public TrainOptions withHyperParameters(HyperParameters hyperParameters) {
    return new TrainOptions(
        task,
        label,
        features,
        dateParts,
        split,
        hyperParameters,
        seed,
        threshold,
        minCategoryCount,
        maxCategories);
  }

  public TrainOptions withSeed(long seed) {
    return new TrainOptions(
        task,
        label,
        features,
        dateParts,
        split,
        hyperParameters,
        seed,
        threshold,
        minCategoryCount,
        maxCategories);
  }

  public TrainOptions withDateParts(List<DatePart> dateParts) {
    return new TrainOptions(
        task,
        label,
        features,
        Optional.of(dateParts),
        split,
        hyperParameters,
        seed,
        threshold,
        minCategoryCount,
        maxCategories);
  }
}
