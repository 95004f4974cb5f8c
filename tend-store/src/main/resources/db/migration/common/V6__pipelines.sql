-- Pipelines: named definitions with numbered versions, and the durable queue of their runs that
-- every server process on this database shares through leases (see dev.tend.pipelines).

-- One row per pipeline name ever applied in a project. last_version is the counter versions are
-- numbered from; incrementing it locks the row, which serializes concurrent applies of one
-- pipeline. The row outlives deleteDefinition so a later definition never reuses a number that
-- earlier runs recorded.
CREATE TABLE pipelines (
  project_id   VARCHAR(26) NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name         VARCHAR(64) NOT NULL,
  last_version INTEGER     NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, name)
);

-- files_json is a JSON object of path to text; sha256 covers the YAML and the files (see
-- JdbiPipelineRepository.contentHash), so applying the same content again adds no version.
CREATE TABLE pipeline_definitions (
  project_id VARCHAR(26)  NOT NULL,
  name       VARCHAR(64)  NOT NULL,
  version    INTEGER      NOT NULL,
  yaml       TEXT         NOT NULL,
  files_json TEXT         NOT NULL,
  sha256     VARCHAR(64)  NOT NULL,
  created_at BIGINT       NOT NULL,
  created_by VARCHAR(128) NOT NULL,
  PRIMARY KEY (project_id, name, version),
  FOREIGN KEY (project_id, name) REFERENCES pipelines (project_id, name) ON DELETE CASCADE
);

-- A run keeps its own copy of the YAML and files. A run is due when it is QUEUED and not_before
-- has passed, or RUNNING and its lease expired; claiming is a conditional UPDATE on those columns.
-- trigger_key is NULL for manual runs; both engines let a UNIQUE constraint hold many NULLs, so
-- only keyed runs are deduplicated. next_log_seq is the last log sequence number handed out;
-- appenders increment it in their transaction, which serializes them per run.
CREATE TABLE pipeline_runs (
  id                 VARCHAR(26)  NOT NULL PRIMARY KEY,
  project_id         VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  pipeline_name      VARCHAR(64)  NOT NULL,
  definition_version INTEGER,
  yaml               TEXT         NOT NULL,
  files_json         TEXT         NOT NULL,
  params_json        TEXT         NOT NULL,
  trigger_kind       VARCHAR(16)  NOT NULL
    CHECK (trigger_kind IN ('MANUAL', 'SCHEDULE', 'DATASET', 'ALERT')),
  trigger_detail     TEXT         NOT NULL,
  trigger_key        VARCHAR(255),
  code_version       VARCHAR(255),
  status             VARCHAR(16)  NOT NULL
    CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  reason             TEXT,
  cancel_requested   BOOLEAN      NOT NULL,
  created_at         BIGINT       NOT NULL,
  created_by         VARCHAR(128) NOT NULL,
  not_before         BIGINT       NOT NULL,
  started_at         BIGINT,
  finished_at        BIGINT,
  lease_owner        VARCHAR(255),
  lease_expires_at   BIGINT,
  tracking_run_id    VARCHAR(64),
  next_log_seq       BIGINT       NOT NULL DEFAULT 0,
  UNIQUE (project_id, pipeline_name, trigger_key)
);
CREATE INDEX pipeline_runs_queued ON pipeline_runs (status, not_before);
CREATE INDEX pipeline_runs_leased ON pipeline_runs (status, lease_expires_at);
CREATE INDEX pipeline_runs_by_project ON pipeline_runs (project_id, id);
CREATE INDEX pipeline_runs_by_pipeline ON pipeline_runs (project_id, pipeline_name, id);

-- log_lines counts the lines kept for the step, so the per-step bound needs no count(*).
CREATE TABLE pipeline_steps (
  run_id            VARCHAR(26) NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
  step_id           VARCHAR(64) NOT NULL,
  position          INTEGER     NOT NULL,
  kind              VARCHAR(32) NOT NULL,
  status            VARCHAR(16) NOT NULL
    CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED')),
  attempts          INTEGER     NOT NULL DEFAULT 0,
  started_at        BIGINT,
  finished_at       BIGINT,
  outputs           TEXT        NOT NULL DEFAULT '{}',
  reason            TEXT,
  wall_millis       BIGINT      NOT NULL DEFAULT 0,
  cpu_millis        BIGINT      NOT NULL DEFAULT 0,
  peak_memory_bytes BIGINT      NOT NULL DEFAULT 0,
  tracking_run_id   VARCHAR(64),
  log_lines         BIGINT      NOT NULL DEFAULT 0,
  dropped_log_lines BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, step_id),
  UNIQUE (run_id, position)
);

CREATE TABLE pipeline_logs (
  run_id  VARCHAR(26) NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
  seq     BIGINT      NOT NULL,
  step_id VARCHAR(64) NOT NULL,
  at      BIGINT      NOT NULL,
  stream  VARCHAR(8)  NOT NULL CHECK (stream IN ('stdout', 'stderr', 'tend')),
  text    TEXT        NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX pipeline_logs_by_step ON pipeline_logs (run_id, step_id, seq);

-- Where each trigger of a pipeline has got to (a time, an alias history id), moved by
-- compare-and-set so two schedulers never both act on one position.
CREATE TABLE pipeline_trigger_cursors (
  project_id    VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  pipeline_name VARCHAR(64)  NOT NULL,
  trigger_key   VARCHAR(255) NOT NULL,
  position      TEXT         NOT NULL,
  updated_at    BIGINT       NOT NULL,
  PRIMARY KEY (project_id, pipeline_name, trigger_key)
);
