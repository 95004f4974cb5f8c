-- Rollouts: the state of a deployment's rollout in progress, and the append-only log of what
-- happened to a deployment besides its traffic (see dev.tend.deployments). Revisions stay the
-- record of traffic changes; events say why the rollout machinery acted.

-- last_event is the counter events are numbered from; incrementing it locks the deployment's row.
ALTER TABLE deployments ADD COLUMN last_event INTEGER NOT NULL DEFAULT 0;

-- At most one rollout per deployment, and only while it runs: promoting, rolling back or
-- re-pointing the deployment deletes the row (the events keep the story). revision is the
-- revision that started the rollout; every change is a compare-and-set on (revision,
-- windows_evaluated, state), so two servers never both act on one window or both end a rollout.
CREATE TABLE deployment_rollouts (
  deployment_id      VARCHAR(26)      NOT NULL PRIMARY KEY
    REFERENCES deployments (id) ON DELETE CASCADE,
  revision           INTEGER          NOT NULL,
  state              VARCHAR(20)      NOT NULL
    CHECK (state IN ('in-progress', 'awaiting-approval')),
  window_millis      BIGINT           NOT NULL,
  min_requests       INTEGER          NOT NULL,
  min_success_rate   DOUBLE PRECISION NOT NULL,
  max_p99_millis     BIGINT           NOT NULL,
  max_quality_drop   DOUBLE PRECISION,
  quality_metric     VARCHAR(64),
  failed_windows     INTEGER          NOT NULL,
  bake_millis        BIGINT           NOT NULL,
  promotion          VARCHAR(8)       NOT NULL CHECK (promotion IN ('auto', 'manual')),
  started_at         BIGINT           NOT NULL,
  started_by         VARCHAR(128)     NOT NULL,
  bake_ends_at       BIGINT           NOT NULL,
  windows_evaluated  INTEGER          NOT NULL DEFAULT 0,
  windows_failed     INTEGER          NOT NULL DEFAULT 0,
  failing_streak     INTEGER          NOT NULL DEFAULT 0,
  last_window_end    BIGINT,
  last_verdict       TEXT
);

CREATE TABLE deployment_events (
  deployment_id VARCHAR(26)  NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  seq           INTEGER      NOT NULL,
  kind          VARCHAR(32)  NOT NULL,
  revision      INTEGER      NOT NULL,
  reason        TEXT         NOT NULL,
  created_at    BIGINT       NOT NULL,
  created_by    VARCHAR(128) NOT NULL,
  PRIMARY KEY (deployment_id, seq)
);
