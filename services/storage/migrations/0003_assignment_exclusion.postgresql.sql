-- No double booking, enforced by PostgreSQL itself: an expert's accepted or
-- confirmed assignments never have overlapping [start_time, block_end) ranges.
CREATE EXTENSION IF NOT EXISTS btree_gist;

ALTER TABLE assignments ADD CONSTRAINT assignments_no_double_booking
  EXCLUDE USING gist (
    exchange_id WITH =,
    expert_id WITH =,
    int8range(start_time, block_end) WITH &&
  ) WHERE (state IN ('ACCEPTED', 'CONFIRMED'));
