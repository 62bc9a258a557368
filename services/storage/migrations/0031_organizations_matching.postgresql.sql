-- Matching reads each orderer's kind (the credentials a task needs depend on
-- it): a change of an organization changes what matching reads.
CREATE TRIGGER organizations_matching_version AFTER INSERT OR UPDATE OR DELETE ON organizations
  FOR EACH ROW EXECUTE FUNCTION bump_matching_version('exchange_id');
