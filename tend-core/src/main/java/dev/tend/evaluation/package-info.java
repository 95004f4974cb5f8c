/**
 * Model quality metrics computed from predictions and labels, with no I/O: classification
 * (confusion counts, precision, recall, F1, ROC AUC, average precision, log loss, calibration),
 * regression (MAE, RMSE, R2, MAPE) and per-segment breakdowns. Definitions follow scikit-learn;
 * where a metric is undefined it is {@link dev.tend.evaluation.MetricValue#undefined reported as
 * such} with a reason instead of a made-up number. Accumulators whose math allows it merge, so
 * windows and partitions can be evaluated apart and combined.
 */
package dev.tend.evaluation;
