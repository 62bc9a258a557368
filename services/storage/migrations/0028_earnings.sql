-- Earnings as the benefit payers count them (issue 20): when an exchange pays
-- a task's fee (its pay rule, JSON: kind, day_of_month, days_after), the kind
-- of benefit limit an expert has (JSON: kind and amounts; which benefit it is
-- is never kept), and the national table of earnings floors. While the table
-- has no version row it is the figures Kokemus ships (domain/earnings.cc).
ALTER TABLE exchanges ADD COLUMN pay_rule TEXT NOT NULL DEFAULT '{"kind":"DAY_OF_FOLLOWING_MONTH","day_of_month":15,"days_after":14}';
ALTER TABLE experts ADD COLUMN benefit_limit TEXT NOT NULL DEFAULT '{"kind":"UNSPECIFIED"}';
CREATE TABLE earnings_floors (
  valid_from TEXT PRIMARY KEY,
  monthly_cents BIGINT NOT NULL,
  source TEXT NOT NULL
);
CREATE TABLE earnings_floor_versions (
  id BIGINT PRIMARY KEY,
  revision BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
