-- The payroll as the payer reports it (issue 20): the fee an expert declined
-- (kept for the record, not paid) and a tax-free daily allowance recorded on
-- completion; per expert the tax card's withholding in tenths of a percent
-- (-1: not recorded) and her personal identity code sealed with
-- XChaCha20-Poly1305 under a key derived from the key pepper, bound to her
-- resource name ("": none). Both are kept only while the exchange pays her
-- wages or work compensation; the code is opened only for the payroll export.
ALTER TABLE assignments ADD COLUMN declined_fee_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE assignments ADD COLUMN daily_allowance_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE experts ADD COLUMN withholding_permille INTEGER NOT NULL DEFAULT -1;
ALTER TABLE experts ADD COLUMN identity_code_sealed TEXT NOT NULL DEFAULT '';
