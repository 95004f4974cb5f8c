package dev.tend.pipeline;

import java.util.List;

/**
 * The metric names evaluate steps compute and gates may test; they mirror tend-core's {@code
 * evaluation} records (binary, multiclass and regression).
 */
public final class MetricNames {
  /** Every known metric name. */
  public static final List<String> ALL =
      List.of(
          "accuracy",
          "precision",
          "recall",
          "f1",
          "auc",
          "average_precision",
          "log_loss",
          "brier",
          "expected_calibration_error",
          "macro_f1",
          "macro_precision",
          "macro_recall",
          "weighted_f1",
          "micro_f1",
          "mae",
          "rmse",
          "r2",
          "mape");

  private MetricNames() {}
}
