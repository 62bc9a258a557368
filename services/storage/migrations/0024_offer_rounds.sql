-- Offer rounds (domain/offer_rounds.h): one row per order whose places are
-- filled in rounds, with how the rounds run and, as JSON, each round's
-- number, trigger, start and open places. Which experts a round offered to
-- is read from the assignments it made (offer_round), so erasure's pseudonym
-- reaches it and the record always agrees with the assignments.
CREATE TABLE offer_rounds (
  exchange_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  strategy TEXT NOT NULL,
  round_size BIGINT NOT NULL,
  tier_interval_seconds BIGINT NOT NULL,
  answer_window_seconds BIGINT NOT NULL,
  offer_deadline BIGINT NOT NULL,
  state TEXT NOT NULL,
  rounds TEXT NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, order_id),
  FOREIGN KEY (exchange_id, order_id) REFERENCES orders (exchange_id, id)
);
CREATE INDEX offer_rounds_active ON offer_rounds (state);

-- The round that made an offer; 0: made by hand.
ALTER TABLE assignments ADD COLUMN offer_round BIGINT NOT NULL DEFAULT 0;
