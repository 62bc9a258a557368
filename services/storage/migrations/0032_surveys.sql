-- The audience's survey per task (issue 19). An exchange's own questions
-- (JSON) and settings; one survey per order with its short code; answers
-- that hold nothing but the options chosen (no time, address, browser or
-- other identifier; the answer's id is random and only ties its choices
-- together); free texts apart from the answers, each read by the coordinator
-- before it is shown (NEW, SHOWN, HIDDEN). No counter row: a class answering
-- at once would queue on it.
CREATE TABLE survey_templates (
  exchange_id TEXT NOT NULL PRIMARY KEY,
  questions TEXT NOT NULL,
  open_days BIGINT NOT NULL,
  suppression_threshold BIGINT NOT NULL,
  anonymous_reflections BIGINT NOT NULL,
  update_time BIGINT NOT NULL
);
CREATE TABLE surveys (
  exchange_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  code TEXT NOT NULL UNIQUE,
  PRIMARY KEY (exchange_id, order_id)
);
CREATE TABLE survey_answers (
  exchange_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  id TEXT NOT NULL,
  PRIMARY KEY (exchange_id, order_id, id)
);
CREATE TABLE survey_choices (
  exchange_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  answer_id TEXT NOT NULL,
  question TEXT NOT NULL,
  choice TEXT NOT NULL
);
CREATE INDEX survey_choices_by_order ON survey_choices (exchange_id, order_id);
CREATE TABLE survey_comments (
  exchange_id TEXT NOT NULL,
  id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  question TEXT NOT NULL,
  choice TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  PRIMARY KEY (exchange_id, id)
);
CREATE INDEX survey_comments_by_order ON survey_comments (exchange_id, order_id);
-- The expert's own reflection asks too whether she got support after the
-- task: "yes", "no", "not_needed", or "" unanswered.
ALTER TABLE feedback ADD COLUMN support_afterwards TEXT NOT NULL DEFAULT '';
