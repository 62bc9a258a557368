-- The privacy notice's controller details (GDPR art. 13(1)(a)) and the
-- coordinator named on contracts; when the notice's content last changed
-- (0: before it was recorded, shown as the built-in text's date).
ALTER TABLE exchanges ADD COLUMN postal_address TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN data_protection_officer TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN privacy_notice_time BIGINT NOT NULL DEFAULT 0;
-- Contracts: the SHA-256 of the text (printed with the id on every page), the
-- marked-up source the PDF was made from (to make the accepted document), and
-- the accepted document with its SHA-256 ('' until accepted, and for
-- contracts made before this).
ALTER TABLE contracts ADD COLUMN text_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN marked_text TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN accepted_pdf_base64 TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN accepted_sha256 TEXT NOT NULL DEFAULT '';
