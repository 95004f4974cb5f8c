-- Idempotency keys become two-step reservations: a row is inserted, with the request's hash and no
-- response, before the handler runs (so two requests with one key cannot both run), then completed
-- with the response, or deleted when the handler failed. completed_at IS NULL marks a key in
-- progress. The response keeps its content type, its replayed headers (one "Name: value" per line)
-- and its body as bytes.
--
-- V1 rows are dropped, not converted: V1 and V2 ship together in Tend's first release, so only
-- development databases hold V1 rows, and TEXT to bytes has no SQL common to both engines.

DROP TABLE idempotency_keys;

CREATE TABLE idempotency_keys (
  principal_id          VARCHAR(26)  NOT NULL,
  idem_key              VARCHAR(255) NOT NULL,
  request_sha256        VARCHAR(64)  NOT NULL,
  response_status       INTEGER,
  response_content_type VARCHAR(255),
  response_headers      TEXT,
  response_body         ${binary},
  created_at            BIGINT       NOT NULL,
  completed_at          BIGINT,
  PRIMARY KEY (principal_id, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
