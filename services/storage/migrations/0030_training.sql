-- From trainee to expert (issue 21): the credentials some tasks require (per
-- exchange, JSON: kind, course, roles, orderer_kinds, max_age_months), the day
-- an expert's criminal-record extract was seen and who saw it (never the
-- extract), and the exchange's courses with their trainees. A course's
-- sessions and trainers are JSON; a trainee keeps only the details the course
-- needs (none while she is an expert, none once she dropped out), her consent,
-- the sessions she attended (JSON numbers from 1), and the expert she became.
ALTER TABLE exchanges ADD COLUMN credential_requirements TEXT NOT NULL DEFAULT '[]';
ALTER TABLE experts ADD COLUMN extract_seen_date TEXT NOT NULL DEFAULT '';
ALTER TABLE experts ADD COLUMN extract_seen_by TEXT NOT NULL DEFAULT '';
CREATE TABLE courses (
  exchange_id TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  provider TEXT NOT NULL,
  sessions TEXT NOT NULL,
  trainers TEXT NOT NULL,
  capacity INTEGER NOT NULL,
  min_attendance_percent INTEGER NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, id)
);
CREATE TABLE trainees (
  exchange_id TEXT NOT NULL,
  course_id TEXT NOT NULL,
  id TEXT NOT NULL,
  state TEXT NOT NULL,
  completion_date TEXT NOT NULL,
  expert_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT NOT NULL,
  home_municipality TEXT NOT NULL,
  consent_time BIGINT NOT NULL,
  consent_notice_version TEXT NOT NULL,
  attended TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, course_id, id)
);
CREATE INDEX trainees_by_expert ON trainees (exchange_id, expert_id);
