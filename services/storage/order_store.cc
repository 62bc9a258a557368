#include "services/storage/order_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "services/storage/order_rows.h"
#include "services/storage/outbox_store.h"

namespace kokemus::storage {

// The rows, SQL and domain names shared by the order, assignment and fee
// schedule stores.
using namespace order_rows;  // NOLINT

namespace {

// The organization's state; nullopt when the exchange has no such one.
std::optional<domain::OrganizationState> OrganizationStateOf(
    soci::session& sql, const std::string& exchange_id, const std::string& id) {
  auto rows = Query<domain::OrganizationState>(
      sql, kOrganizationState, {exchange_id, id},
      [](const soci::row& row) { return RowReader(row).Enum<domain::OrganizationState>(); });
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

// ListOrders: by (start_time, id) from the page token's cursor, filtered.
constexpr char kOrdersInExchange[] = "exchange_id = :exchange_id";
constexpr char kOrdersAfterCursor[] =
    " AND (start_time > :s1 OR (start_time = :s2 AND id > :after))";
constexpr char kOrdersPageOrder[] = " ORDER BY start_time, id LIMIT :limit";
constexpr FilterSql kOrderFilters[] = {
    {"state", "=", "", "state = :v"},
    {"organization", "=", "", "organization_id = :v"},
    {"start_time", "=", "", "start_time = :v", FilterSql::Bind::kNumber},
    {"start_time", ">=", "", "start_time >= :v", FilterSql::Bind::kNumber},
    {"start_time", "<", "", "start_time < :v", FilterSql::Bind::kNumber},
};

}  // namespace

absl::StatusOr<Order> OrderStore::CreateOrder(Order order, const CreateOptions& options) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Order> {
    OrderTx tx(sql, db_.dialect());
    const std::string scope = domain::ExchangeName(order.exchange_id);
    auto known = tx.FindRequest(scope, "orders", options);
    if (!known.ok()) return known.status();
    if (!known->empty()) {
      return tx.GetOrder(order.exchange_id, *known, false);
    }
    if (absl::Status s = CheckExchangeExists(sql, order.exchange_id); !s.ok()) return s;
    if (absl::Status s = domain::CheckOrderer(
            OrganizationStateOf(sql, order.exchange_id, order.organization_id), order.exchange_id,
            order.organization_id);
        !s.ok()) {
      return s;
    }
    if (tx.GetOrder(order.exchange_id, order.id, false).ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat(OrderName(order.exchange_id, order.id), " already exists"));
    }
    const absl::Time now = db_.Now();
    order.state = OrderState::kOpen;
    order.meta = {1, now, now};
    Record values = {order.exchange_id, order.id};
    for (Value& v : OrderData(order)) values.push_back(std::move(v));
    Execute(sql, kInsertOrder, std::move(values));
    tx.RecordRequest(scope, "orders", options, order.id, now);
    return order;
  });
}

absl::StatusOr<Order> OrderStore::GetOrder(const Key& key) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<Order> {
    return OrderTx(sql, db_.dialect()).GetOrder(key.exchange_id, key.id, false);
  });
}

absl::StatusOr<Order> OrderStore::GetOrderForMatching(const Key& key, int64_t* matching_version) {
  static const std::string kQuery = absl::StrCat(
      "SELECT ", kOrderColumns,
      ", COALESCE((SELECT version FROM matching_versions WHERE exchange_id = :exchange), 0) "
      "FROM orders WHERE exchange_id = :exchange_id AND id = :id");
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<Order> {
    auto rows = Query<Order>(
        sql, kQuery, {key.exchange_id, key.exchange_id, key.id}, [&](const soci::row& row) {
          *matching_version = RowReader(row).Int(row.size() - 1);
          return ReadOrder(row);
        });
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat(OrderName(key.exchange_id, key.id), " not found"));
    }
    return std::move(rows.front());
  });
}

absl::StatusOr<std::vector<Order>> OrderStore::OrdersFrom(
    const std::string& exchange_id, absl::Time from) {
  static const std::string kQuery = absl::StrCat(
      "SELECT ", kOrderColumns,
      " FROM orders WHERE exchange_id = :exchange_id AND start_time >= :from");
  std::vector<Order> result;
  absl::Status status = db_.Read([&](soci::session& sql) {
    result = Query<Order>(sql, kQuery, {exchange_id, Micros(from)}, ReadOrder);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Page<Order>> OrderStore::ListOrders(const domain::ListQuery& query) {
  Page<Order> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    auto exchange_id = domain::ParseExchangeName(query.scope, "parent");
    if (!exchange_id.ok()) return exchange_id.status();
    if (absl::Status s = CheckExchangeExists(sql, *exchange_id); !s.ok()) return s;
    Record values = {*exchange_id};
    std::string where = kOrdersInExchange;
    if (!query.after_id.empty()) {
      // Cursor "start_micros/id": orders come by (start_time, id).
      std::pair<std::string, std::string> cursor = absl::StrSplit(query.after_id, '/');
      long long start = 0;
      if (!absl::SimpleAtoi(cursor.first, &start) || cursor.second.empty()) {
        return domain::InvalidField("page_token", "not a page token from this service");
      }
      absl::StrAppend(&where, kOrdersAfterCursor);
      values.insert(values.end(), {start, start, cursor.second});
    }
    if (absl::Status s = AppendFilters(kOrderFilters, query.terms, db_.Now(), where, values);
        !s.ok()) {
      return s;
    }
    values.push_back(static_cast<long long>(query.page_size + 1));
    static const std::string kSelect =
        absl::StrCat("SELECT ", kOrderColumns, " FROM orders WHERE ");
    page.items = Query<Order>(
        sql, absl::StrCat(kSelect, where, kOrdersPageOrder), std::move(values), ReadOrder);
    FinishPage(
        page, query, [](const Order& o) { return absl::StrCat(Micros(o.start_time), "/", o.id); });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<Order> OrderStore::UpdateOrder(Order order, int64_t expected_revision) {
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    OrderTx tx(sql, db_.dialect());
    auto current = tx.GetOrder(order.exchange_id, order.id, true);
    if (!current.ok()) return current.status();
    if (current->meta.revision != expected_revision) {
      return absl::AbortedError(absl::StrCat(
          OrderName(order.exchange_id, order.id), " was changed by another request; retry"));
    }
    const auto organization_state =
        OrganizationStateOf(sql, order.exchange_id, order.organization_id);
    auto plan = domain::PlanOrderUpdate(
        *current, std::move(order), organization_state, tx.AssignmentsOf(*current));
    if (!plan.ok()) return plan.status();
    const absl::Time now = db_.Now();
    for (Assignment& a : plan->retimed) {
      if (absl::Status s = tx.SaveAssignment(a, a.end_time, now); !s.ok()) return s;
    }
    order = std::move(plan->order);
    return tx.SaveOrder(order, now);
  });
  if (!status.ok()) return status;
  return order;
}

absl::StatusOr<domain::OrderCancellationPlan> OrderStore::CancelOrder(
    const Key& key, CancelledBy by, int64_t expected_revision, absl::Time now, bool validate_only) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<domain::OrderCancellationPlan> {
    OrderTx tx(sql, db_.dialect());
    auto order = tx.GetOrder(key.exchange_id, key.id, true);
    if (!order.ok()) return order.status();
    if (expected_revision != 0 && order->meta.revision != expected_revision) {
      return absl::AbortedError(absl::StrCat(
          OrderName(key.exchange_id, key.id), " was changed by another request; retry"));
    }
    auto schedule = tx.GetFeeSchedule(key.exchange_id);
    if (!schedule.ok()) return schedule.status();
    const std::vector<Assignment> before = tx.AssignmentsOf(*order);
    auto plan = domain::PlanOrderCancellation(*order, before, *schedule, by, now);
    if (!plan.ok() || validate_only) return plan;
    for (Assignment& a : plan->changed) {
      if (absl::Status s = tx.SaveAssignment(a, a.end_time, now); !s.ok()) return s;
      // Its expert hears of it (a withdrawn offer, a cancelled task).
      for (const Assignment& old : before) {
        if (old.id != a.id) continue;
        if (absl::Status s = OutboxStore::EnqueueChange(sql, old.state, a, plan->order, now);
            !s.ok()) {
          return s;
        }
      }
    }
    if (absl::Status s = tx.SaveOrder(plan->order, now); !s.ok()) return s;
    return plan;
  });
}

}  // namespace kokemus::storage
