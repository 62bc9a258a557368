-- Orders, assignments, feedback and fee schedules. The no-double-booking
-- constraint is PostgreSQL's own (0003_assignment_exclusion.postgresql.sql);
-- on SQLite every write is one serialized transaction that checks overlaps.

ALTER TABLE exchanges ADD COLUMN travel_buffer_minutes BIGINT NOT NULL DEFAULT 0;

CREATE TABLE orders (
  exchange_id TEXT NOT NULL REFERENCES exchanges (id),
  id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  role TEXT NOT NULL,
  topic TEXT NOT NULL,
  audience TEXT NOT NULL,
  audience_size BIGINT NOT NULL,
  start_time BIGINT NOT NULL,
  duration_minutes BIGINT NOT NULL,
  preparation_minutes BIGINT NOT NULL,
  remote BIGINT NOT NULL,
  address TEXT NOT NULL,
  municipality TEXT NOT NULL,
  language TEXT NOT NULL,
  experience_areas TEXT NOT NULL,
  experts_needed BIGINT NOT NULL,
  notes TEXT NOT NULL,
  state TEXT NOT NULL,
  cancelled_by TEXT NOT NULL,
  cancel_time BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, id),
  FOREIGN KEY (exchange_id, organization_id) REFERENCES organizations (exchange_id, id)
);

CREATE INDEX orders_by_start ON orders (exchange_id, start_time, id);

-- block_end is end_time plus the exchange's travel buffer when the time was
-- reserved: an expert's held assignments must not have overlapping
-- [start_time, block_end) ranges.
CREATE TABLE assignments (
  exchange_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  id TEXT NOT NULL,
  expert_id TEXT NOT NULL,
  state TEXT NOT NULL,
  offer_deadline BIGINT NOT NULL,
  start_time BIGINT NOT NULL,
  end_time BIGINT NOT NULL,
  block_end BIGINT NOT NULL,
  actual_duration_minutes BIGINT NOT NULL,
  fee_cents BIGINT NOT NULL,
  travel_cents BIGINT NOT NULL,
  travel_km BIGINT NOT NULL,
  cancelled_by TEXT NOT NULL,
  cancel_time BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, order_id, id),
  FOREIGN KEY (exchange_id, order_id) REFERENCES orders (exchange_id, id),
  FOREIGN KEY (exchange_id, expert_id) REFERENCES experts (exchange_id, id)
);

CREATE INDEX assignments_by_expert ON assignments (exchange_id, expert_id, start_time);
CREATE INDEX assignments_by_state ON assignments (state, offer_deadline);

CREATE TABLE feedback (
  exchange_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  source TEXT NOT NULL,
  overall_rating BIGINT NOT NULL,
  content_rating BIGINT NOT NULL,
  heaviness BIGINT NOT NULL,
  setting_safe BIGINT NOT NULL,
  comment TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, order_id, assignment_id, source),
  FOREIGN KEY (exchange_id, order_id, assignment_id)
    REFERENCES assignments (exchange_id, order_id, id)
);

-- One schedule per exchange; its dated rules are a JSON document because they
-- are always read and replaced whole.
CREATE TABLE fee_schedules (
  exchange_id TEXT PRIMARY KEY REFERENCES exchanges (id),
  document TEXT NOT NULL,
  revision BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
