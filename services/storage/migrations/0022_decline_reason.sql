-- Why an expert declined an offer (domain/orders.h DeclineReason), when she
-- said. WELLBEING is health-related: the coordinator and the expert see it,
-- the orderer never; erasure blanks it like cancel_reason.
ALTER TABLE assignments ADD COLUMN decline_reason TEXT NOT NULL DEFAULT 'UNSPECIFIED';
