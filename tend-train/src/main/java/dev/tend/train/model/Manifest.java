package dev.tend.train.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What a saved model is and where it came from ({@code manifest.json}).
 *
 * @param formatVersion {@link #FORMAT_VERSION} when written by this code
 * @param task what the model predicts
 * @param label the label column it was trained on, with its rule (for example {@code delay > 15})
 * @param classes class names in probability order (classification), empty for regression
 * @param threshold binary: the positive class is chosen when its probability exceeds this
 * @param bestIteration the last boosting round used for predictions (early stopping's best)
 * @param parameters the XGBoost parameters used, as text as XGBoost reads them
 * @param seed the seed of splits and XGBoost
 * @param libraries versions of the libraries that built the model
 * @param provenance where the training data came from and how many rows each split had
 */
public record Manifest(
    int formatVersion,
    Task task,
    String label,
    List<String> classes,
    double threshold,
    int bestIteration,
    Map<String, String> parameters,
    long seed,
    Map<String, String> libraries,
    Map<String, String> provenance) {
  /** The format this code writes; it reads this version only. */
  public static final int FORMAT_VERSION = 1;

  public Manifest {
    requireNonNull(task, "task is null");
    requireNonNull(label, "label is null");
    classes = List.copyOf(classes);
    parameters = Map.copyOf(parameters);
    libraries = Map.copyOf(libraries);
    provenance = Map.copyOf(provenance);
  }
}
