-- Feedback on logged predictions (see dev.tend.feedback): the actual label or value (name
-- 'label') and business outcomes (any other name), one row per prediction and name. The value is
-- kept as compact JSON text, and in value_number too when it is a number, so monitoring can
-- aggregate in SQL. occurred_at is the event's own time, received_at when Tend stored it (both
-- epoch milliseconds); a correction overwrites the row, counts in corrections and is audited.
-- deployment and project_id are the logged prediction's, copied so feedback can be listed by
-- deployment without the prediction log.
CREATE TABLE feedback (
  prediction_id VARCHAR(128) NOT NULL,
  name          VARCHAR(64)  NOT NULL,
  kind          VARCHAR(8)   NOT NULL CHECK (kind IN ('label', 'outcome')),
  value_json    TEXT         NOT NULL,
  value_number  DOUBLE PRECISION,
  occurred_at   BIGINT       NOT NULL,
  received_at   BIGINT       NOT NULL,
  received_by   VARCHAR(128) NOT NULL,
  deployment    VARCHAR(100) NOT NULL,
  project_id    VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  corrections   INTEGER      NOT NULL DEFAULT 0,
  PRIMARY KEY (prediction_id, name),
  CHECK ((kind = 'label') = (name = 'label'))
);
CREATE INDEX feedback_by_deployment ON feedback (deployment, received_at);

-- Deployment names claimed by applications that serve models elsewhere and log their
-- predictions to Tend: the name belongs to the project that first logged under it.
CREATE TABLE external_deployments (
  name       VARCHAR(100) NOT NULL PRIMARY KEY,
  project_id VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  created_at BIGINT       NOT NULL,
  created_by VARCHAR(128) NOT NULL
);
CREATE INDEX external_deployments_by_project ON external_deployments (project_id);
