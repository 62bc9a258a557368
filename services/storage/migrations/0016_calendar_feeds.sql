-- Calendar feeds: a secret, revocable address per person (an expert, or an
-- organization's contact) that calendar programs subscribe to; the database
-- keeps the hash of its secret only (as for sign-in links).
CREATE TABLE calendar_feeds (
  exchange_id TEXT NOT NULL REFERENCES exchanges (id),
  id TEXT NOT NULL,
  expert_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (id)
);
CREATE INDEX calendar_feeds_by_person ON calendar_feeds (exchange_id, expert_id, organization_id);
