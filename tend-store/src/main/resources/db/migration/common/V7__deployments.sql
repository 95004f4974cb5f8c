-- Deployments: a globally unique name that serves a project's models in one environment, and the
-- append-only history of its revisions (see dev.tend.deployments). last_revision is the counter
-- revisions are numbered from; incrementing it locks the row, which serializes concurrent changes
-- of one deployment. The current revision is the one numbered last_revision.
CREATE TABLE deployments (
  id            VARCHAR(26)  NOT NULL PRIMARY KEY,
  name          VARCHAR(64)  NOT NULL UNIQUE,
  project_id    VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  environment   VARCHAR(16)  NOT NULL CHECK (environment IN ('dev', 'staging', 'prod')),
  created_at    BIGINT       NOT NULL,
  created_by    VARCHAR(128) NOT NULL,
  last_revision INTEGER      NOT NULL DEFAULT 0
);
CREATE INDEX deployments_by_project ON deployments (project_id);

-- A revision is never changed once written. The candidate columns are all NULL (only the stable
-- version serves) or all set except sticky_key, which only an A/B split may name.
CREATE TABLE deployment_revisions (
  deployment_id        VARCHAR(26)  NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  revision             INTEGER      NOT NULL,
  stable_version_id    VARCHAR(26)  NOT NULL REFERENCES model_versions (id),
  candidate_version_id VARCHAR(26)  REFERENCES model_versions (id),
  candidate_mode       VARCHAR(8)   CHECK (candidate_mode IN ('canary', 'ab', 'shadow')),
  candidate_percent    INTEGER      CHECK (candidate_percent BETWEEN 0 AND 100),
  sticky_key           VARCHAR(128),
  reason               TEXT         NOT NULL,
  created_at           BIGINT       NOT NULL,
  created_by           VARCHAR(128) NOT NULL,
  PRIMARY KEY (deployment_id, revision),
  CHECK ((candidate_version_id IS NULL AND candidate_mode IS NULL AND candidate_percent IS NULL
          AND sticky_key IS NULL)
      OR (candidate_version_id IS NOT NULL AND candidate_mode IS NOT NULL
          AND candidate_percent IS NOT NULL
          AND (sticky_key IS NULL OR candidate_mode = 'ab')))
);
