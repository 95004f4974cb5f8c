-- The model registry, shaped after MLflow's so its REST API maps onto it one to one, and the
-- artifacts of runs behind MLflow's artifact proxy. (V4 is the datasets' lineage index.)

-- Files a run logged through the artifact proxy: one row per path, naming the content-addressed
-- blob that holds its bytes. A path is never both a file and the folder of another file.
CREATE TABLE run_artifacts (
  run_uuid   VARCHAR(32)   NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  path       VARCHAR(1024) NOT NULL,
  size_bytes BIGINT        NOT NULL,
  sha256     VARCHAR(64)   NOT NULL,
  logged_at  BIGINT        NOT NULL,
  PRIMARY KEY (run_uuid, path)
);

-- Registered models belong to a Tend project (roles are checked there); names are unique per
-- project. last_version is the counter versions are numbered from; incrementing it locks the
-- row, which serializes concurrent registrations of one model. Numbers are never reused.
CREATE TABLE registered_models (
  id                VARCHAR(26)  NOT NULL PRIMARY KEY,
  project_id        VARCHAR(26)  NOT NULL REFERENCES projects (id),
  name              VARCHAR(256) NOT NULL,
  description       TEXT,
  last_version      INTEGER      NOT NULL DEFAULT 0,
  creation_time     BIGINT       NOT NULL,
  last_updated_time BIGINT       NOT NULL,
  created_by        VARCHAR(128) NOT NULL,
  UNIQUE (project_id, name)
);
CREATE INDEX registered_models_by_name ON registered_models (name);

CREATE TABLE registered_model_tags (
  model_id  VARCHAR(26)  NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
  tag_key   VARCHAR(250) NOT NULL,
  tag_value TEXT         NOT NULL,
  PRIMARY KEY (model_id, tag_key)
);

-- A deleted version keeps its row (stage 'Deleted_Internal', as MLflow's store does) so its
-- number is not handed out again and lineage stays resolvable; reads skip it.
CREATE TABLE model_versions (
  id                 VARCHAR(26)  NOT NULL PRIMARY KEY,
  model_id           VARCHAR(26)  NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
  version            INTEGER      NOT NULL,
  creation_time      BIGINT       NOT NULL,
  last_updated_time  BIGINT       NOT NULL,
  user_id            VARCHAR(256),
  current_stage      VARCHAR(20)  NOT NULL
    CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived', 'Deleted_Internal')),
  description        TEXT,
  source             TEXT         NOT NULL,
  run_uuid           VARCHAR(32),
  run_link           TEXT,
  status             VARCHAR(24)  NOT NULL
    CHECK (status IN ('PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY')),
  status_message     TEXT,
  storage_location   TEXT,
  model_format       VARCHAR(16)  NOT NULL CHECK (model_format IN ('xgboost', 'onnx', 'other')),
  manifest_sha256    VARCHAR(64),
  dataset_version_id VARCHAR(26)  REFERENCES dataset_versions (id),
  UNIQUE (model_id, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_uuid);

CREATE TABLE model_version_tags (
  version_id VARCHAR(26)  NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  tag_key    VARCHAR(250) NOT NULL,
  tag_value  TEXT         NOT NULL,
  PRIMARY KEY (version_id, tag_key)
);

-- The model's files, content-addressed: the run's artifacts under the version's source path.
CREATE TABLE model_version_files (
  version_id VARCHAR(26)   NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  path       VARCHAR(1024) NOT NULL,
  size_bytes BIGINT        NOT NULL,
  sha256     VARCHAR(64)   NOT NULL,
  PRIMARY KEY (version_id, path)
);

-- The signature: input and output columns (or tensors) with their types, in order.
CREATE TABLE model_version_signature (
  version_id  VARCHAR(26)  NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  side        VARCHAR(8)   NOT NULL CHECK (side IN ('input', 'output')),
  position    INTEGER      NOT NULL,
  column_name VARCHAR(500),
  column_type VARCHAR(200) NOT NULL,
  PRIMARY KEY (version_id, side, position)
);

-- The source run's latest metrics when the version was registered. NaN is a flag, as in metrics.
CREATE TABLE model_version_metrics (
  version_id   VARCHAR(26)      NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  metric_key   VARCHAR(250)     NOT NULL,
  metric_value DOUBLE PRECISION,
  is_nan       BOOLEAN          NOT NULL,
  PRIMARY KEY (version_id, metric_key)
);

CREATE TABLE registered_model_aliases (
  model_id   VARCHAR(26)  NOT NULL REFERENCES registered_models (id) ON DELETE CASCADE,
  alias      VARCHAR(256) NOT NULL,
  version_id VARCHAR(26)  NOT NULL REFERENCES model_versions (id),
  PRIMARY KEY (model_id, alias)
);
