-- The matching_versions counter follows every change of what matching reads
-- (SQLite has no trigger functions: one trigger per table and event).

CREATE TRIGGER experts_matching_version_insert AFTER INSERT ON experts BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER experts_matching_version_update AFTER UPDATE ON experts BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER experts_matching_version_delete AFTER DELETE ON experts BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (OLD.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = OLD.exchange_id; END;

CREATE TRIGGER assignments_matching_version_insert AFTER INSERT ON assignments BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER assignments_matching_version_update AFTER UPDATE ON assignments BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER assignments_matching_version_delete AFTER DELETE ON assignments BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (OLD.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = OLD.exchange_id; END;

CREATE TRIGGER feedback_matching_version_insert AFTER INSERT ON feedback BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER feedback_matching_version_update AFTER UPDATE ON feedback BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER feedback_matching_version_delete AFTER DELETE ON feedback BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (OLD.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = OLD.exchange_id; END;

CREATE TRIGGER fee_schedules_matching_version_insert AFTER INSERT ON fee_schedules BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER fee_schedules_matching_version_update AFTER UPDATE ON fee_schedules BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER fee_schedules_matching_version_delete AFTER DELETE ON fee_schedules BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (OLD.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = OLD.exchange_id; END;

CREATE TRIGGER matching_settings_matching_version_insert AFTER INSERT ON matching_settings BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER matching_settings_matching_version_update AFTER UPDATE ON matching_settings BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER matching_settings_matching_version_delete AFTER DELETE ON matching_settings BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (OLD.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = OLD.exchange_id; END;

CREATE TRIGGER exchanges_matching_version_insert AFTER INSERT ON exchanges BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.id; END;

CREATE TRIGGER exchanges_matching_version_update AFTER UPDATE ON exchanges BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.id; END;

CREATE TRIGGER exchanges_matching_version_delete AFTER DELETE ON exchanges BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (OLD.id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = OLD.id; END;
