package dev.tend.evaluation;

import static java.util.Objects.requireNonNull;

/**
 * The quality of numeric predictions.
 *
 * @param rows rows evaluated
 * @param mae mean absolute error
 * @param rmse root of the mean squared error
 * @param r2 coefficient of determination, {@code 1 - SS_res / SS_tot}; undefined when the labels
 *     are all equal ({@code SS_tot = 0}), where scikit-learn reports 1 or 0 by convention
 * @param mape mean of {@code |error| / max(|actual|, eps)} as scikit-learn (a fraction, not a
 *     percentage; huge when a label is near 0)
 */
public record RegressionMetrics(
    long rows, MetricValue mae, MetricValue rmse, MetricValue r2, MetricValue mape) {
  public RegressionMetrics {
    requireNonNull(mae, "mae is null");
    requireNonNull(rmse, "rmse is null");
    requireNonNull(r2, "r2 is null");
    requireNonNull(mape, "mape is null");
  }
}
