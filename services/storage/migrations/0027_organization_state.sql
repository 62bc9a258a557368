-- An organization is ACTIVE (takes new orders) or INACTIVE (takes none; its
-- orders, assignments and statistics stay): what one with orders becomes
-- instead of deleted. Every organization so far is ACTIVE.
ALTER TABLE organizations ADD COLUMN state TEXT NOT NULL DEFAULT 'ACTIVE';
