package dev.tend.monitor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every figure a monitor reports per window, by the name alert rules, the API and {@code /metrics}
 * use. Some are about the whole window, some need a column (a feature, or an outcome's name), and
 * some may be given either way (a column's missing share, or the share over all features).
 */
public enum MonitorMetric {
  /** Predictions answered in the window. */
  ROWS(ColumnUse.NONE, "predictions answered in the window"),
  /** Predictions per second over the window. */
  THROUGHPUT(ColumnUse.NONE, "predictions per second"),
  /** Share of requests a version failed to answer (signature refused, runtime failed). */
  ERROR_RATE(ColumnUse.NONE, "share of requests the model failed to answer"),
  /** Median answer latency in milliseconds. */
  LATENCY_P50_MS(ColumnUse.NONE, "median latency, ms"),
  /** 95th percentile answer latency in milliseconds. */
  LATENCY_P95_MS(ColumnUse.NONE, "95th percentile latency, ms"),
  /** 99th percentile answer latency in milliseconds. */
  LATENCY_P99_MS(ColumnUse.NONE, "99th percentile latency, ms"),
  /** Share of missing values: of one input column, or of all input cells. */
  MISSING_SHARE(ColumnUse.OPTIONAL, "share of missing input values"),
  /** Share of rows whose inputs break the model's signature (missing field, wrong type). */
  SCHEMA_VIOLATION_SHARE(ColumnUse.OPTIONAL, "share of rows breaking the input schema"),
  /** Share of numeric values outside the reference's range: of one column, or of all. */
  OUT_OF_RANGE_SHARE(ColumnUse.OPTIONAL, "share of values outside the reference range"),
  /** Share of category values the reference never saw: of one column, or of all. */
  UNSEEN_CATEGORY_SHARE(ColumnUse.OPTIONAL, "share of categories unseen in the reference"),
  /** Share of the data quality checks on live inputs that passed, 0 to 1. */
  QUALITY_SCORE(ColumnUse.NONE, "share of data quality checks passed"),
  /** Checks of the reference dataset's suite that failed on the window's inputs. */
  CHECKS_FAILED(ColumnUse.NONE, "checks of the reference dataset's suite failing on the inputs"),
  /** A feature's drift effect size against the reference (the method's statistic). */
  FEATURE_DRIFT(ColumnUse.REQUIRED, "drift effect size against the reference"),
  /** A feature's drift effect size against the previous window. */
  FEATURE_DRIFT_PREVIOUS(ColumnUse.REQUIRED, "drift effect size against the previous window"),
  /** 1 when a feature drifted from the reference by its method's threshold, else 0. */
  DRIFT_DETECTED(ColumnUse.REQUIRED, "1 when the feature drifted from the reference"),
  /** Share of features that drifted from the reference. */
  DRIFTED_FEATURE_SHARE(ColumnUse.NONE, "share of features drifted from the reference"),
  /** Drift effect size of the model's predictions against the reference. */
  PREDICTION_DRIFT(ColumnUse.NONE, "drift effect size of the predictions"),
  /** Mean confidence (probability of the predicted class) of a classifier. */
  MEAN_CONFIDENCE(ColumnUse.NONE, "mean confidence of the predicted class"),
  /** Share of the window's predictions that have a label. */
  LABEL_COVERAGE(ColumnUse.NONE, "share of predictions labelled"),
  /** Accuracy on labelled predictions. */
  ACCURACY(ColumnUse.NONE, "accuracy on labelled predictions"),
  /** Precision on labelled predictions (positive class, or macro average). */
  PRECISION(ColumnUse.NONE, "precision on labelled predictions"),
  /** Recall on labelled predictions (positive class, or macro average). */
  RECALL(ColumnUse.NONE, "recall on labelled predictions"),
  /** F1 on labelled predictions (positive class, or macro average). */
  F1(ColumnUse.NONE, "F1 on labelled predictions"),
  /** ROC AUC on labelled predictions. */
  ROC_AUC(ColumnUse.NONE, "ROC AUC on labelled predictions"),
  /** Log loss on labelled predictions. */
  LOG_LOSS(ColumnUse.NONE, "log loss on labelled predictions"),
  /** Mean absolute error on labelled predictions. */
  MAE(ColumnUse.NONE, "mean absolute error on labelled predictions"),
  /** Root mean squared error on labelled predictions. */
  RMSE(ColumnUse.NONE, "root mean squared error on labelled predictions"),
  /** Coefficient of determination on labelled predictions. */
  R2(ColumnUse.NONE, "R2 on labelled predictions"),
  /** Accuracy estimated from confidences before labels arrive (CBPE). */
  ESTIMATED_ACCURACY(ColumnUse.NONE, "accuracy estimated from confidences (CBPE)"),
  /** Precision estimated from confidences (CBPE). */
  ESTIMATED_PRECISION(ColumnUse.NONE, "precision estimated from confidences (CBPE)"),
  /** Recall estimated from confidences (CBPE). */
  ESTIMATED_RECALL(ColumnUse.NONE, "recall estimated from confidences (CBPE)"),
  /** F1 estimated from confidences (CBPE). */
  ESTIMATED_F1(ColumnUse.NONE, "F1 estimated from confidences (CBPE)"),
  /** ROC AUC estimated from confidences (CBPE). */
  ESTIMATED_ROC_AUC(ColumnUse.NONE, "ROC AUC estimated from confidences (CBPE)"),
  /** Share of predictions whose boolean outcome (the column) was true, e.g. conversion rate. */
  OUTCOME_RATE(ColumnUse.REQUIRED, "share of predictions with the outcome true"),
  /** Mean of a numeric outcome (the column) per prediction, e.g. revenue per prediction. */
  OUTCOME_MEAN(ColumnUse.REQUIRED, "mean numeric outcome per prediction");

  /** Whether a metric is about one column. */
  public enum ColumnUse {
    /** About the whole window only. */
    NONE,
    /** About one column, or about all columns when none is given. */
    OPTIONAL,
    /** Always about one column. */
    REQUIRED
  }

  private final ColumnUse columnUse;
  private final String description;

  MonitorMetric(ColumnUse columnUse, String description) {
    this.columnUse = columnUse;
    this.description = description;
  }

  /** The name rules and the API use, such as {@code latency_p99_ms}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public ColumnUse columnUse() {
    return columnUse;
  }

  public String description() {
    return description;
  }

  /** The metric named {@code label}, if there is one. */
  public static Optional<MonitorMetric> parse(String label) {
    return Arrays.stream(values()).filter(m -> m.label().equals(label)).findFirst();
  }
}
