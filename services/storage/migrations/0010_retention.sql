-- The retention rule of an exchange: months after which an inactive expert's
-- personal data is erased by ApplyRetention (0: never automatically).
ALTER TABLE exchanges ADD COLUMN retention_months BIGINT NOT NULL DEFAULT 0;
