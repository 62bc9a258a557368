-- Session keys of the self-service pages (domain/session.h): a key with an
-- idle timeout ends when unused that long; its last use is kept (written at
-- most once a minute). Plain API keys have 0 and never idle out.
ALTER TABLE api_keys ADD COLUMN idle_seconds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN last_used_time BIGINT NOT NULL DEFAULT 0;
