-- Orders join what matching keeps in memory (upcoming orders are ranked
-- without a read): their changes move the exchange's counter too.

CREATE TRIGGER orders_matching_version_insert AFTER INSERT ON orders BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER orders_matching_version_update AFTER UPDATE ON orders BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (NEW.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = NEW.exchange_id; END;

CREATE TRIGGER orders_matching_version_delete AFTER DELETE ON orders BEGIN
  INSERT OR IGNORE INTO matching_versions (exchange_id, version) VALUES (OLD.exchange_id, 0); UPDATE matching_versions SET version = version + 1 WHERE exchange_id = OLD.exchange_id; END;
