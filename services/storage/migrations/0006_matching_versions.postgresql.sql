-- The matching_versions counter follows every change of what matching reads.
-- The migration runner splits statements at lines ending with ';', so the
-- function body keeps its semicolons inside lines.
CREATE FUNCTION bump_matching_version() RETURNS trigger AS $$
DECLARE ex TEXT; BEGIN
  IF TG_OP = 'DELETE' THEN ex := to_jsonb(OLD) ->> TG_ARGV[0]; ELSE ex := to_jsonb(NEW) ->> TG_ARGV[0]; END IF; INSERT INTO matching_versions (exchange_id, version) VALUES (ex, 1)
    ON CONFLICT (exchange_id) DO UPDATE SET version = matching_versions.version + 1; RETURN NULL; END
$$ LANGUAGE plpgsql;

CREATE TRIGGER experts_matching_version AFTER INSERT OR UPDATE OR DELETE ON experts
  FOR EACH ROW EXECUTE FUNCTION bump_matching_version('exchange_id');

CREATE TRIGGER assignments_matching_version AFTER INSERT OR UPDATE OR DELETE ON assignments
  FOR EACH ROW EXECUTE FUNCTION bump_matching_version('exchange_id');

CREATE TRIGGER feedback_matching_version AFTER INSERT OR UPDATE OR DELETE ON feedback
  FOR EACH ROW EXECUTE FUNCTION bump_matching_version('exchange_id');

CREATE TRIGGER fee_schedules_matching_version AFTER INSERT OR UPDATE OR DELETE ON fee_schedules
  FOR EACH ROW EXECUTE FUNCTION bump_matching_version('exchange_id');

CREATE TRIGGER matching_settings_matching_version AFTER INSERT OR UPDATE OR DELETE ON matching_settings
  FOR EACH ROW EXECUTE FUNCTION bump_matching_version('exchange_id');

CREATE TRIGGER exchanges_matching_version AFTER INSERT OR UPDATE OR DELETE ON exchanges
  FOR EACH ROW EXECUTE FUNCTION bump_matching_version('id');
