-- The outbox: every message a person must get, written in the transaction of
-- the event that makes it, delivered afterwards (at least once; a repeat has
-- the same Message-ID). Rows are kept after delivery for the coordinator's
-- view of what was sent; `lease_until` keeps two workers off one message;
-- `urgent` ones go out during quiet hours too.
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  exchange_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  resource TEXT NOT NULL,
  recipient TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  reply_to TEXT NOT NULL,
  language TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  urgent BIGINT NOT NULL,
  state TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  not_before BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  sent_time BIGINT NOT NULL
);

CREATE INDEX outbox_due ON outbox (state, not_before);
CREATE INDEX outbox_by_exchange ON outbox (exchange_id, create_time);
