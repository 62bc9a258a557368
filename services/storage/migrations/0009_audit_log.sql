-- The audit log: one record per access to personal data, appended in the same
-- transaction as the access, chained per exchange by SHA-256 (each record's
-- hash covers the previous one's), with the chain's head kept beside it so
-- that removing the newest records is detected too.
CREATE TABLE audit_log (
  chain TEXT NOT NULL,
  seq BIGINT NOT NULL,
  time BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  role TEXT NOT NULL,
  exchange_id TEXT NOT NULL,
  method TEXT NOT NULL,
  resource TEXT NOT NULL,
  outcome TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (chain, seq)
);

CREATE INDEX audit_by_resource ON audit_log (resource, time);
CREATE INDEX audit_by_key ON audit_log (key_id, time);

CREATE TABLE audit_heads (
  chain TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
