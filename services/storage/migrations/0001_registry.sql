-- The registry: exchanges, experts, orderer organizations, and the request ids
-- that make creates idempotent. Runs on SQLite and PostgreSQL alike.
-- Times are microseconds since the Unix epoch (UTC). List-valued fields of an
-- expert are JSON arrays in TEXT columns: they are always read and written
-- with the expert as a whole.

CREATE TABLE exchanges (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  wellbeing_region TEXT NOT NULL,
  default_language TEXT NOT NULL,
  business_id TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);

CREATE TABLE experts (
  exchange_id TEXT NOT NULL REFERENCES exchanges (id),
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  home_municipality TEXT NOT NULL,
  languages TEXT NOT NULL,
  experience_areas TEXT NOT NULL,
  roles TEXT NOT NULL,
  trainings TEXT NOT NULL,
  service_municipalities TEXT NOT NULL,
  max_travel_km BIGINT NOT NULL,
  remote_ok BIGINT NOT NULL,
  weekly_availability TEXT NOT NULL,
  unavailable_periods TEXT NOT NULL,
  max_assignments_per_month BIGINT NOT NULL,
  monthly_earnings_limit_cents BIGINT NOT NULL,
  payment_method TEXT NOT NULL,
  state TEXT NOT NULL,
  consent_time BIGINT NOT NULL,
  consent_notice_version TEXT NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, id)
);

CREATE INDEX experts_by_state ON experts (exchange_id, state, id);

CREATE TABLE organizations (
  exchange_id TEXT NOT NULL REFERENCES exchanges (id),
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  business_id TEXT NOT NULL,
  sector TEXT NOT NULL,
  kind TEXT NOT NULL,
  municipality TEXT NOT NULL,
  contact_name TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, id)
);

-- One row per create call that carried a request_id. `scope` is the parent
-- resource name ('' for exchanges); `fingerprint` is the SHA-256 of the
-- request without its request_id, so a reuse with other content is told apart.
CREATE TABLE create_requests (
  scope TEXT NOT NULL,
  collection TEXT NOT NULL,
  request_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (scope, collection, request_id)
);
