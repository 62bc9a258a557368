-- Webhooks: an exchange's (or one organization's) events POSTed to a
-- regional system, signed with the webhook's secret (domain/events.h). The
-- secret is kept as given out: the server needs it to sign. `cursor` is the
-- last event delivered; `next_try` holds a delivery in progress (a lease) or
-- a retry after `failures`.
CREATE TABLE webhooks (
  exchange_id TEXT NOT NULL REFERENCES exchanges (id),
  id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  cursor BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  next_try BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  last_delivery BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, id)
);
CREATE INDEX webhooks_by_next_try ON webhooks (next_try);
