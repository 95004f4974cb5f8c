package dev.tend.train;

import static java.util.Objects.requireNonNull;

import dev.tend.evaluation.BinaryMetrics;
import dev.tend.evaluation.MulticlassMetrics;
import dev.tend.evaluation.RegressionMetrics;
import dev.tend.train.model.XgboostModel;
import java.util.Optional;

/**
 * A trained model with its holdout metrics (the test rows, or the validation rows when the split
 * has no test rows): exactly one of the three metric kinds is present, by task.
 *
 * @param trainRows rows boosted on
 * @param validationRows rows early stopping watched
 * @param testRows holdout rows
 * @param skippedRows rows left out for a missing label or split time
 * @param boostedRounds rounds boosted before early stopping (or the round limit) ended training;
 *     predictions use the trees up to the manifest's best iteration
 */
public record TrainingResult(
    XgboostModel model,
    Optional<BinaryMetrics> binary,
    Optional<MulticlassMetrics> multiclass,
    Optional<RegressionMetrics> regression,
    long trainRows,
    long validationRows,
    long testRows,
    long skippedRows,
    int boostedRounds,
    Timings timings) {
  public TrainingResult {
    requireNonNull(model, "model is null");
    requireNonNull(binary, "binary is null");
    requireNonNull(multiclass, "multiclass is null");
    requireNonNull(regression, "regression is null");
    requireNonNull(timings, "timings is null");
  }
}
