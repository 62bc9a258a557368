-- Sign-in links (domain/sign_in.h): who a message's link signs in
-- ("exchanges/x/experts/y" or "exchanges/x/organizations/y"; "" : no link),
-- and the links made, by the hash of their secret only. A link is spent once
-- (used_time) and expires; old ones are swept.
ALTER TABLE outbox ADD COLUMN link_for TEXT NOT NULL DEFAULT '';

CREATE TABLE sign_in_links (
  id TEXT PRIMARY KEY,
  exchange_id TEXT NOT NULL REFERENCES exchanges (id),
  role TEXT NOT NULL,
  expert_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  email TEXT NOT NULL,
  target TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  expire_time BIGINT NOT NULL,
  used_time BIGINT NOT NULL
);
CREATE INDEX sign_in_links_by_expiry ON sign_in_links (expire_time);
CREATE INDEX sign_in_links_by_expert ON sign_in_links (exchange_id, expert_id);
