-- The matching rules a coordinator knowingly overrode to offer by hand
-- (OfferAssignmentRequest.override_rules), as their names joined by commas.
ALTER TABLE assignments ADD COLUMN overridden_rules TEXT NOT NULL DEFAULT '';
