-- SQLite has no exclusion constraints: its writers are serialized (one
-- process lock plus BEGIN IMMEDIATE) and each accept checks for overlaps in
-- its transaction. This version keeps the numbering equal on both databases.
CREATE INDEX assignments_held ON assignments (exchange_id, expert_id, state);
