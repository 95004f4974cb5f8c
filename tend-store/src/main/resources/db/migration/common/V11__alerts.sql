-- Alerting (see dev.tend.alerting and docs/alerts.md): rules per project, the state each rule
-- keeps per series, the alerts they raise, and incidents grouping a deployment's alerts with an
-- append-only timeline. Times are epoch milliseconds.

-- A rule as sent (YAML or JSON, kept verbatim) and its canonical JSON; version counts changes.
CREATE TABLE alert_rules (
  project_id  VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name        VARCHAR(100) NOT NULL,
  source      TEXT         NOT NULL,
  source_type VARCHAR(8)   NOT NULL CHECK (source_type IN ('yaml', 'json')),
  rule_json   TEXT         NOT NULL,
  enabled     BOOLEAN      NOT NULL,
  version     INTEGER      NOT NULL,
  created_at  BIGINT       NOT NULL,
  created_by  VARCHAR(128) NOT NULL,
  updated_at  BIGINT       NOT NULL,
  updated_by  VARCHAR(128) NOT NULL,
  PRIMARY KEY (project_id, name)
);

-- An incident groups the alerts of one deployment that overlap in time: at most one is open per
-- deployment. last_seq numbers its timeline; incrementing it locks the row.
CREATE TABLE incidents (
  id          VARCHAR(26)  NOT NULL PRIMARY KEY,
  project_id  VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  deployment  VARCHAR(100) NOT NULL,
  title       TEXT         NOT NULL,
  severity    VARCHAR(8)   NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  opened_at   BIGINT       NOT NULL,
  resolved_at BIGINT,
  last_seq    INTEGER      NOT NULL DEFAULT 0
);
CREATE INDEX incidents_by_project ON incidents (project_id, opened_at);
CREATE UNIQUE INDEX incidents_open_per_deployment ON incidents (project_id, deployment)
  WHERE resolved_at IS NULL;

-- One alert is one rule breached by one series, from firing to resolved. At most one is open per
-- fingerprint, so several servers evaluating the same windows raise it once.
CREATE TABLE alerts (
  id              VARCHAR(26)      NOT NULL PRIMARY KEY,
  project_id      VARCHAR(26)      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  fingerprint     VARCHAR(32)      NOT NULL,
  rule_name       VARCHAR(100)     NOT NULL,
  deployment      VARCHAR(100)     NOT NULL,
  model_version   VARCHAR(100)     NOT NULL,
  segment         TEXT             NOT NULL,
  column_name     TEXT             NOT NULL,
  metric          VARCHAR(64)      NOT NULL,
  severity        VARCHAR(8)       NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  labels_json     TEXT             NOT NULL,
  summary         TEXT             NOT NULL,
  description     TEXT             NOT NULL,
  channels_json   TEXT             NOT NULL,
  state           VARCHAR(10)      NOT NULL CHECK (state IN ('firing', 'resolved')),
  onset           BIGINT           NOT NULL,
  fired_at        BIGINT           NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by VARCHAR(128),
  resolved_at     BIGINT,
  last_value      DOUBLE PRECISION NOT NULL,
  last_window_end BIGINT           NOT NULL,
  repeat_millis   BIGINT           NOT NULL,
  last_sent_at    BIGINT           NOT NULL,
  incident_id     VARCHAR(26)      NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  CHECK ((state = 'resolved') = (resolved_at IS NOT NULL)),
  CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
CREATE UNIQUE INDEX alerts_open_fingerprint ON alerts (project_id, fingerprint)
  WHERE resolved_at IS NULL;
CREATE INDEX alerts_by_project ON alerts (project_id, fired_at);
CREATE INDEX alerts_by_incident ON alerts (incident_id);

-- What a rule remembers of one series between windows (dev.tend.alert.SeriesState). Every change
-- is a compare-and-set on seq, so two servers never both act on one window.
CREATE TABLE alert_series (
  project_id      VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  fingerprint     VARCHAR(32)  NOT NULL,
  rule_name       VARCHAR(100) NOT NULL,
  state           VARCHAR(10)  NOT NULL
    CHECK (state IN ('inactive', 'pending', 'firing', 'resolved')),
  breaches        INTEGER      NOT NULL,
  onset           BIGINT,
  last_window_end BIGINT,
  seq             BIGINT       NOT NULL,
  updated_at      BIGINT       NOT NULL,
  PRIMARY KEY (project_id, fingerprint)
);

-- The append-only story of an incident.
CREATE TABLE incident_events (
  incident_id VARCHAR(26)  NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  seq         INTEGER      NOT NULL,
  kind        VARCHAR(32)  NOT NULL CHECK (kind IN ('incident-opened', 'alert-fired',
    'alert-repeated', 'alert-acknowledged', 'alert-resolved', 'notification-delivered',
    'notification-failed', 'pipeline-run-queued', 'comment', 'incident-resolved')),
  alert_id    VARCHAR(26),
  detail      TEXT         NOT NULL,
  actor       VARCHAR(128) NOT NULL,
  created_at  BIGINT       NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
