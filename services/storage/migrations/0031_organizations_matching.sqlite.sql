-- Matching reads each orderer's kind (the credentials a task needs depend on
-- it): a change of an organization changes what matching reads.

CREATE TRIGGER organizations_matching_version_insert AFTER INSERT ON organizations BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER organizations_matching_version_update AFTER UPDATE ON organizations BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER organizations_matching_version_delete AFTER DELETE ON organizations BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (OLD.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = OLD.exchange_id; END;
