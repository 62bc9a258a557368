-- Contract templates (versioned per exchange and language) and generated
-- contracts, kept as the exact bytes with their SHA-256. The PDF is stored
-- base64-encoded in TEXT so that one schema serves SQLite and PostgreSQL.

CREATE TABLE contract_templates (
  exchange_id TEXT NOT NULL REFERENCES exchanges (id),
  language TEXT NOT NULL,
  version BIGINT NOT NULL,
  body TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, language, version)
);

-- The version in use per language; no row means the built-in template.
CREATE TABLE active_contract_templates (
  exchange_id TEXT NOT NULL,
  language TEXT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (exchange_id, language),
  FOREIGN KEY (exchange_id, language, version)
    REFERENCES contract_templates (exchange_id, language, version)
);

CREATE TABLE contracts (
  exchange_id TEXT NOT NULL,
  id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  language TEXT NOT NULL,
  template_version BIGINT NOT NULL,
  version BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  pdf_base64 TEXT NOT NULL,
  plain_text TEXT NOT NULL,
  create_time BIGINT NOT NULL,
  accepted_time BIGINT NOT NULL,
  accepted_name TEXT NOT NULL,
  superseded_by TEXT NOT NULL,
  PRIMARY KEY (exchange_id, id),
  UNIQUE (exchange_id, order_id, assignment_id, language, version),
  FOREIGN KEY (exchange_id, order_id, assignment_id)
    REFERENCES assignments (exchange_id, order_id, id)
);

CREATE INDEX contracts_by_time ON contracts (exchange_id, create_time, id);
