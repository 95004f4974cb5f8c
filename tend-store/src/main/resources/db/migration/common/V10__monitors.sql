-- Production monitoring (see dev.tend.monitors): what each deployment's monitor watches, the
-- sketches of its windows, where ingesting the prediction log and the feedback got to, and the
-- figures computed per window. Deployments are named globally, so rows are keyed by that name;
-- a deployment without a monitors row is watched with the defaults.

CREATE TABLE monitors (
  deployment           VARCHAR(100) NOT NULL PRIMARY KEY,
  project_id           VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  window_millis        BIGINT       NOT NULL CHECK (window_millis >= 1000),
  segment_column       VARCHAR(200),
  reference_version_id VARCHAR(26),
  enabled              BOOLEAN      NOT NULL,
  updated_at           BIGINT       NOT NULL,
  updated_by           VARCHAR(128) NOT NULL
);

-- Where ingest got to: every logged prediction ordered before (position_micros, position_id)
-- and every feedback row ordered before (feedback_millis, feedback_id, feedback_name) is in the
-- windows. Every change of the windows bumps version in the same transaction, as a
-- compare-and-set on the version read, so of several servers (or the runner and the predictions
-- API handing over late records) only one merges a batch, and a crash never counts one twice.
CREATE TABLE monitor_cursors (
  deployment      VARCHAR(100) NOT NULL PRIMARY KEY,
  version         BIGINT       NOT NULL,
  position_micros BIGINT       NOT NULL,
  position_id     VARCHAR(128) NOT NULL,
  feedback_millis BIGINT       NOT NULL,
  feedback_id     VARCHAR(128) NOT NULL,
  feedback_name   VARCHAR(64)  NOT NULL,
  last_run_at     BIGINT,
  last_error      TEXT,
  last_error_at   BIGINT,
  errors          BIGINT       NOT NULL DEFAULT 0
);

-- One window of one model version ('*' for all) and segment ('' for all rows, else
-- column=value): its mergeable sketch (dev.tend.monitor.WindowSketch's binary form), the rows it
-- holds and the requests the version failed to answer in it.
CREATE TABLE monitor_windows (
  deployment      VARCHAR(100) NOT NULL,
  model_version   VARCHAR(100) NOT NULL,
  segment         VARCHAR(400) NOT NULL,
  window_start    BIGINT       NOT NULL,
  window_end      BIGINT       NOT NULL,
  rows_count      BIGINT       NOT NULL,
  failed_requests BIGINT       NOT NULL,
  sketch          ${binary},
  updated_at      BIGINT       NOT NULL,
  PRIMARY KEY (deployment, model_version, segment, window_start)
);
CREATE INDEX monitor_windows_by_start ON monitor_windows (deployment, window_start);

-- The figures of a window (dev.tend.monitor.MetricPoint), replaced when it is computed again.
CREATE TABLE monitor_points (
  deployment    VARCHAR(100)     NOT NULL,
  model_version VARCHAR(100)     NOT NULL,
  segment       VARCHAR(400)     NOT NULL,
  window_start  BIGINT           NOT NULL,
  metric        VARCHAR(64)      NOT NULL,
  column_name   VARCHAR(200)     NOT NULL,
  window_end    BIGINT           NOT NULL,
  value         DOUBLE PRECISION NOT NULL,
  count         BIGINT           NOT NULL,
  lower_bound   DOUBLE PRECISION,
  upper_bound   DOUBLE PRECISION,
  updated_at    BIGINT           NOT NULL,
  PRIMARY KEY (deployment, model_version, segment, window_start, metric, column_name)
);
CREATE INDEX monitor_points_by_metric ON monitor_points (deployment, metric, window_start);
