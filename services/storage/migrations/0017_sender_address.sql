-- The exchange's own sender address for its e-mail ("" : the server's
-- --smtp_from), and the address each message goes from.
ALTER TABLE notification_settings ADD COLUMN sender_address TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN sender_address TEXT NOT NULL DEFAULT '';
