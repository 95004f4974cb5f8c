-- Experiment tracking, shaped after MLflow's model so its REST API maps onto it one to one.
-- Experiments belong to a Tend project (roles are checked there); their names are unique across
-- the server, as MLflow clients look experiments up by name alone. Experiment ids are decimal
-- integers from a counter (0 is the Default experiment; MLflow's JSON carries them as strings),
-- run ids are 32 hex digits, as MLflow's.

-- Counters that ids are numbered from; incrementing one locks its row, serializing creators.
CREATE TABLE tracking_counters (
  name  VARCHAR(32) NOT NULL PRIMARY KEY,
  value BIGINT      NOT NULL
);
INSERT INTO tracking_counters (name, value) VALUES ('experiment', 0);

CREATE TABLE experiments (
  experiment_id     BIGINT       NOT NULL PRIMARY KEY,
  project_id        VARCHAR(26)  NOT NULL REFERENCES projects (id),
  name              VARCHAR(500) NOT NULL UNIQUE,
  artifact_location TEXT         NOT NULL,
  lifecycle_stage   VARCHAR(16)  NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  creation_time     BIGINT       NOT NULL,
  last_update_time  BIGINT       NOT NULL
);
CREATE INDEX experiments_by_project ON experiments (project_id, experiment_id);

CREATE TABLE experiment_tags (
  experiment_id BIGINT       NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
  tag_key       VARCHAR(250) NOT NULL,
  tag_value     TEXT         NOT NULL,
  PRIMARY KEY (experiment_id, tag_key)
);

-- The listing index serves the default order (start_time DESC, run_uuid) within experiments.
CREATE TABLE runs (
  run_uuid        VARCHAR(32)  NOT NULL PRIMARY KEY,
  experiment_id   BIGINT       NOT NULL REFERENCES experiments (experiment_id),
  run_name        VARCHAR(250) NOT NULL,
  user_id         VARCHAR(256),
  status          VARCHAR(16)  NOT NULL
    CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
  start_time      BIGINT       NOT NULL,
  end_time        BIGINT,
  lifecycle_stage VARCHAR(16)  NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  artifact_uri    TEXT         NOT NULL,
  deleted_time    BIGINT
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time, run_uuid);

-- Params are immutable once logged. Values may be up to 6000 characters, more than a PostgreSQL
-- B-tree entry takes, so only the key is indexed; searches reach params through their run.
CREATE TABLE params (
  run_uuid    VARCHAR(32)  NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  param_key   VARCHAR(250) NOT NULL,
  param_value TEXT         NOT NULL,
  PRIMARY KEY (run_uuid, param_key)
);

CREATE TABLE run_tags (
  run_uuid  VARCHAR(32)  NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  tag_key   VARCHAR(250) NOT NULL,
  tag_value TEXT         NOT NULL,
  PRIMARY KEY (run_uuid, tag_key)
);

-- Every logged point. NaN is kept as is_nan with a NULL value (SQLite cannot store NaN);
-- infinities are stored as they are. History reads go by (run, key) in (step, timestamp) order.
CREATE TABLE metrics (
  id           VARCHAR(26)      NOT NULL PRIMARY KEY,
  run_uuid     VARCHAR(32)      NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  metric_key   VARCHAR(250)     NOT NULL,
  metric_value DOUBLE PRECISION,
  is_nan       BOOLEAN          NOT NULL,
  metric_time  BIGINT           NOT NULL,
  step         BIGINT           NOT NULL
);
CREATE INDEX metrics_history ON metrics (run_uuid, metric_key, step, metric_time, id);

-- The latest point per (run, key): the largest step, then the newest timestamp, then the largest
-- value, as MLflow chooses. Searches and ordering by metrics read only this table.
CREATE TABLE latest_metrics (
  run_uuid     VARCHAR(32)      NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  metric_key   VARCHAR(250)     NOT NULL,
  metric_value DOUBLE PRECISION,
  is_nan       BOOLEAN          NOT NULL,
  metric_time  BIGINT           NOT NULL,
  step         BIGINT           NOT NULL,
  PRIMARY KEY (run_uuid, metric_key)
);
CREATE INDEX latest_metrics_by_value ON latest_metrics (metric_key, metric_value);

-- Datasets a run read (MLflow's log-inputs, or a tend.dataset tag). dataset_version_id links a
-- Tend dataset version when the input names one; version_usages records the same link from the
-- version's side.
CREATE TABLE run_inputs (
  id                 VARCHAR(26)  NOT NULL PRIMARY KEY,
  run_uuid           VARCHAR(32)  NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  dataset_name       VARCHAR(500) NOT NULL,
  digest             VARCHAR(64)  NOT NULL,
  source_type        VARCHAR(64)  NOT NULL,
  source             TEXT         NOT NULL,
  dataset_schema     TEXT,
  dataset_profile    TEXT,
  context            VARCHAR(500),
  input_tags         TEXT         NOT NULL,
  dataset_version_id VARCHAR(26)  REFERENCES dataset_versions (id),
  recorded_at        BIGINT       NOT NULL,
  UNIQUE (run_uuid, dataset_name, digest)
);
