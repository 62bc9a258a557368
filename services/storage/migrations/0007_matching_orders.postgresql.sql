-- Orders join what matching keeps in memory (upcoming orders are ranked
-- without a read): their changes move the exchange's counter too.
CREATE TRIGGER orders_matching_version AFTER INSERT OR UPDATE OR DELETE ON orders
  FOR EACH ROW EXECUTE FUNCTION bump_matching_version('exchange_id');
