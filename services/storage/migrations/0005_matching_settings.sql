-- Matching settings per exchange (weights of the score parts and the rest
-- after a heavy task) as JSON; no row means the built-in defaults.
CREATE TABLE matching_settings (
  exchange_id TEXT PRIMARY KEY REFERENCES exchanges (id),
  settings TEXT NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);

-- A counter per exchange that grows in the same transaction as every change
-- to what matching reads (experts, assignments, feedback, fee schedules,
-- matching settings, the exchange's travel buffer). Servers keep what they
-- loaded for matching while the counter stays the same; the triggers of the
-- next migration keep it, whatever code writes.
CREATE TABLE matching_versions (
  exchange_id TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);
