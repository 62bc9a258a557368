-- API keys: only a keyed BLAKE2b hash of the secret is kept (libsodium's
-- crypto_generichash with the server's pepper); the key is shown once.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  exchange_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  expert_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  expire_time BIGINT NOT NULL,
  revoke_time BIGINT NOT NULL,
  created_by TEXT NOT NULL
);

CREATE INDEX api_keys_by_exchange ON api_keys (exchange_id, id);

-- Secrets the server makes itself when none is configured (the key pepper).
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
