-- Who hears what: the outbox learns recipients other than the expert, text
-- messages, calendar attachments and a key that keeps a scheduled message
-- (a reminder) from being made twice; experts choose their language, channel
-- and whether only essential messages; exchanges set their reminders.
ALTER TABLE outbox ADD COLUMN recipient_kind TEXT NOT NULL DEFAULT 'EXPERT';
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'EMAIL';
ALTER TABLE outbox ADD COLUMN attachment TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN dedupe TEXT;
CREATE UNIQUE INDEX outbox_dedupe ON outbox (dedupe);
CREATE INDEX outbox_by_resource ON outbox (resource, recipient);

ALTER TABLE experts ADD COLUMN preferred_language TEXT NOT NULL DEFAULT '';
ALTER TABLE experts ADD COLUMN notification_channel TEXT NOT NULL DEFAULT 'EMAIL';
ALTER TABLE experts ADD COLUMN essential_messages_only BIGINT NOT NULL DEFAULT 0;

-- Absent row: the defaults (domain::NotificationSettings).
CREATE TABLE notification_settings (
  exchange_id TEXT PRIMARY KEY REFERENCES exchanges (id),
  task_reminder_hours TEXT NOT NULL,
  offer_reminder_hours BIGINT NOT NULL,
  key_warning_days BIGINT NOT NULL,
  quiet_from_hour BIGINT NOT NULL,
  quiet_until_hour BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
