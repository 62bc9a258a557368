-- Events for regional systems (WatchEvents, webhooks): one row per move of
-- an assignment and per contract made, written in that change's own
-- transaction. `seq` comes from one counter row updated in the same
-- transaction, so it is taken in commit order (the row lock is held until
-- commit): a reader that saw seq N never later finds a new row below N.
CREATE TABLE event_counter (
  id BIGINT PRIMARY KEY,
  seq BIGINT NOT NULL
);
INSERT INTO event_counter (id, seq) VALUES (1, 0);

CREATE TABLE events (
  seq BIGINT PRIMARY KEY,
  exchange_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  expert_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  assignment TEXT NOT NULL,
  state TEXT NOT NULL,
  create_time BIGINT NOT NULL
);
CREATE INDEX events_by_exchange ON events (exchange_id, seq);
