-- Automation (see dev.tend.automations and docs/automation.md): policies per project, the actions
-- they take, and each action's append-only audit trail. Times are epoch milliseconds.

-- A policy as sent (YAML or JSON, kept verbatim) and its canonical JSON; version counts changes.
CREATE TABLE automation_policies (
  project_id  VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name        VARCHAR(100) NOT NULL,
  source      TEXT         NOT NULL,
  source_type VARCHAR(8)   NOT NULL CHECK (source_type IN ('yaml', 'json')),
  policy_json TEXT         NOT NULL,
  deployment  VARCHAR(100) NOT NULL,
  version     INTEGER      NOT NULL,
  created_at  BIGINT       NOT NULL,
  created_by  VARCHAR(128) NOT NULL,
  updated_at  BIGINT       NOT NULL,
  updated_by  VARCHAR(128) NOT NULL,
  PRIMARY KEY (project_id, name)
);

-- One action per trigger of a policy. Every change is a compare-and-set on seq, so of several
-- servers only one advances an action; at most one action per policy is open (not finished).
-- state_since is when the action entered its state (a gate waits for rows from then).
CREATE TABLE automation_actions (
  id                    VARCHAR(26)  NOT NULL PRIMARY KEY,
  project_id            VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  policy                VARCHAR(100) NOT NULL,
  policy_version        INTEGER      NOT NULL,
  deployment            VARCHAR(100) NOT NULL,
  state                 VARCHAR(20)  NOT NULL CHECK (state IN ('queued', 'training', 'gating',
    'awaiting-approval', 'canary', 'promoted', 'rolled-back', 'rejected-by-gate', 'rejected',
    'failed', 'skipped')),
  seq                   BIGINT       NOT NULL,
  trigger_kind          VARCHAR(8)   NOT NULL CHECK (trigger_kind IN ('alert', 'manual')),
  trigger_actor         VARCHAR(128) NOT NULL,
  trigger_reason        TEXT         NOT NULL,
  alert_id              VARCHAR(26),
  incident_id           VARCHAR(26),
  rule_name             VARCHAR(100),
  pipeline_run_id       VARCHAR(26),
  champion_version_id   VARCHAR(26),
  challenger_version_id VARCHAR(26),
  gate_json             TEXT,
  rollout_revision      INTEGER,
  reason                TEXT,
  state_since           BIGINT       NOT NULL,
  created_at            BIGINT       NOT NULL,
  updated_at            BIGINT       NOT NULL,
  finished_at           BIGINT,
  CHECK ((finished_at IS NULL) = (state IN ('queued', 'training', 'gating', 'awaiting-approval',
    'canary')))
);
CREATE UNIQUE INDEX automation_actions_one_open ON automation_actions (project_id, policy)
  WHERE finished_at IS NULL;
CREATE INDEX automation_actions_by_project ON automation_actions (project_id, created_at);
CREATE INDEX automation_actions_open ON automation_actions (finished_at);

-- The append-only story of an action: one entry per step, numbered from 1.
CREATE TABLE automation_audit (
  action_id   VARCHAR(26)  NOT NULL REFERENCES automation_actions (id) ON DELETE CASCADE,
  seq         INTEGER      NOT NULL,
  kind        VARCHAR(32)  NOT NULL,
  at          BIGINT       NOT NULL,
  actor       VARCHAR(128) NOT NULL,
  detail_json TEXT         NOT NULL,
  PRIMARY KEY (action_id, seq)
);
