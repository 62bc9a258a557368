-- An exchange's own wording of a message (domain::MessageTemplate), by its
-- id "offer-made-expert-fi"; without a row, Kokemus's wording is used.
CREATE TABLE message_templates (
  exchange_id TEXT NOT NULL REFERENCES exchanges (id),
  id TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, id)
);
