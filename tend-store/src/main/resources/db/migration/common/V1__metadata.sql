-- Tend's metadata schema, shared by SQLite and PostgreSQL.
-- Portable on purpose: ids are ULID text, times are epoch milliseconds (BIGINT), JSON is TEXT.
-- The one type that differs, binary, comes from the Flyway placeholder ${binary}
-- (BLOB on SQLite, BYTEA on PostgreSQL), set by dev.tend.store.Database.

CREATE TABLE users (
  id           VARCHAR(26)  NOT NULL PRIMARY KEY,
  name         VARCHAR(128) NOT NULL UNIQUE,
  global_admin BOOLEAN      NOT NULL,
  created_at   BIGINT       NOT NULL
);

-- Only the SHA-256 of a token's secret is kept; the plain token is shown once at creation.
CREATE TABLE api_tokens (
  id            VARCHAR(26)  NOT NULL PRIMARY KEY,
  user_id       VARCHAR(26)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  secret_sha256 VARCHAR(64)  NOT NULL,
  label         VARCHAR(200) NOT NULL,
  created_at    BIGINT       NOT NULL,
  created_by    VARCHAR(128) NOT NULL,
  revoked_at    BIGINT
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

CREATE TABLE projects (
  id          VARCHAR(26)  NOT NULL PRIMARY KEY,
  name        VARCHAR(64)  NOT NULL UNIQUE,
  description TEXT         NOT NULL,
  created_at  BIGINT       NOT NULL,
  created_by  VARCHAR(128) NOT NULL
);

CREATE TABLE project_roles (
  project_id VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id    VARCHAR(26)  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       VARCHAR(16)  NOT NULL CHECK (role IN ('viewer', 'editor', 'maintainer', 'admin')),
  granted_at BIGINT       NOT NULL,
  granted_by VARCHAR(128) NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_roles_by_user ON project_roles (user_id);

-- last_version is the counter versions are numbered from; incrementing it locks the row,
-- which is what serializes concurrent pushes and alias moves of one dataset.
CREATE TABLE datasets (
  id           VARCHAR(26)  NOT NULL PRIMARY KEY,
  project_id   VARCHAR(26)  NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name         VARCHAR(64)  NOT NULL,
  suite_yaml   TEXT,
  suite_sha256 VARCHAR(64),
  last_version INTEGER      NOT NULL DEFAULT 0,
  created_at   BIGINT       NOT NULL,
  created_by   VARCHAR(128) NOT NULL,
  UNIQUE (project_id, name)
);

-- A pending row is a reserved number whose content is still being uploaded; readers skip it.
CREATE TABLE dataset_versions (
  id                VARCHAR(26)  NOT NULL PRIMARY KEY,
  dataset_id        VARCHAR(26)  NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  version_number    INTEGER      NOT NULL,
  status            VARCHAR(16)  NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
  total_bytes       BIGINT,
  row_count         BIGINT,
  schema_json       TEXT,
  profile           ${binary},
  check_report_json TEXT,
  source            TEXT         NOT NULL,
  created_by        VARCHAR(128) NOT NULL,
  created_at        BIGINT       NOT NULL,
  committed_at      BIGINT,
  UNIQUE (dataset_id, version_number)
);
CREATE INDEX dataset_versions_by_status ON dataset_versions (status, created_at);

CREATE TABLE version_files (
  version_id VARCHAR(26)   NOT NULL REFERENCES dataset_versions (id) ON DELETE CASCADE,
  path       VARCHAR(1024) NOT NULL,
  size_bytes BIGINT        NOT NULL,
  sha256     VARCHAR(64)   NOT NULL,
  PRIMARY KEY (version_id, path)
);

CREATE TABLE dataset_aliases (
  dataset_id VARCHAR(26)  NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  name       VARCHAR(64)  NOT NULL,
  version_id VARCHAR(26)  NOT NULL REFERENCES dataset_versions (id),
  updated_at BIGINT       NOT NULL,
  updated_by VARCHAR(128) NOT NULL,
  PRIMARY KEY (dataset_id, name)
);

CREATE TABLE alias_history (
  id              VARCHAR(26)  NOT NULL PRIMARY KEY,
  dataset_id      VARCHAR(26)  NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  name            VARCHAR(64)  NOT NULL,
  from_version_id VARCHAR(26)  REFERENCES dataset_versions (id),
  to_version_id   VARCHAR(26)  NOT NULL REFERENCES dataset_versions (id),
  changed_by      VARCHAR(128) NOT NULL,
  reason          TEXT         NOT NULL,
  forced          BOOLEAN      NOT NULL,
  changed_at      BIGINT       NOT NULL
);
CREATE INDEX alias_history_by_alias ON alias_history (dataset_id, name, id);

-- Lineage: which runs, models and other things used a version (kinds are added by later issues).
CREATE TABLE version_usages (
  version_id   VARCHAR(26)  NOT NULL REFERENCES dataset_versions (id),
  used_by_kind VARCHAR(32)  NOT NULL,
  used_by_id   VARCHAR(128) NOT NULL,
  recorded_at  BIGINT       NOT NULL,
  PRIMARY KEY (version_id, used_by_kind, used_by_id)
);

-- Append-only. project_id has no foreign key: the record outlives what it describes.
CREATE TABLE audit_events (
  id         VARCHAR(26)  NOT NULL PRIMARY KEY,
  at         BIGINT       NOT NULL,
  actor      VARCHAR(128) NOT NULL,
  action     VARCHAR(64)  NOT NULL,
  project_id VARCHAR(26),
  target     TEXT         NOT NULL,
  details    TEXT         NOT NULL
);
CREATE INDEX audit_events_by_project ON audit_events (project_id, id);

CREATE TABLE idempotency_keys (
  principal_id    VARCHAR(26)  NOT NULL,
  idem_key        VARCHAR(255) NOT NULL,
  request_sha256  VARCHAR(64)  NOT NULL,
  response_status INTEGER      NOT NULL,
  response_body   TEXT         NOT NULL,
  created_at      BIGINT       NOT NULL,
  PRIMARY KEY (principal_id, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
