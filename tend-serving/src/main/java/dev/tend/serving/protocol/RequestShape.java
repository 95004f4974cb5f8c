package dev.tend.serving.protocol;

/** Which accepted shape a request came in, for logs and metrics and to answer in kind. */
public enum RequestShape {
  /** Tend: {@code {"id"?, "inputs": {field: value}}}, one row. */
  TEND_SINGLE,
  /** Tend: {@code {"rows": [{"id"?, "inputs": {...}}, ...]}}. */
  TEND_ROWS,
  /** Tend: {@code {"instances": [{field: value}, ...], "ids"?: [...]}}. */
  TEND_INSTANCES,
  /** MLflow: {@code {"dataframe_split": {"columns", "data", "index"?}}}. */
  MLFLOW_DATAFRAME_SPLIT,
  /** MLflow: {@code {"dataframe_records": [{field: value}, ...]}}. */
  MLFLOW_DATAFRAME_RECORDS,
  /** MLflow: {@code {"instances": ...}}, rows or a dict of columns. */
  MLFLOW_INSTANCES,
  /** MLflow: {@code {"inputs": ...}}, rows or a dict of columns. */
  MLFLOW_INPUTS,
  /** Open Inference: one tensor per field, shape [N] or [N, 1]. */
  OPEN_INFERENCE_COLUMNS,
  /** Open Inference: one tensor of shape [N, F], its columns in signature order. */
  OPEN_INFERENCE_MATRIX
}
