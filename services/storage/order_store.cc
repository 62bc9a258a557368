#include "services/storage/order_store.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/domain/enum_names.h"
#include "services/domain/fees.h"
#include "services/domain/order_lifecycle.h"
#include "services/domain/validation.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

using domain::Assignment;
using domain::AssignmentState;
using domain::CancelledBy;
using domain::FeeSchedule;
using domain::Order;
using domain::OrderState;

// --- SQL ---------------------------------------------------------------------

constexpr char kOrderColumns[] =
    "exchange_id, id, organization_id, role, topic, audience, audience_size, "
    "start_time, duration_minutes, preparation_minutes, remote, address, "
    "municipality, language, experience_areas, experts_needed, notes, state, "
    "cancelled_by, cancel_time, revision, create_time, update_time";
constexpr char kInsertOrder[] =
    "INSERT INTO orders (exchange_id, id, organization_id, role, topic, audience, "
    "audience_size, start_time, duration_minutes, preparation_minutes, remote, "
    "address, municipality, language, experience_areas, experts_needed, notes, "
    "state, cancelled_by, cancel_time, revision, create_time, update_time) VALUES "
    "(:exchange_id, :id, :organization_id, :role, :topic, :audience, "
    ":audience_size, :start_time, :duration_minutes, :preparation_minutes, "
    ":remote, :address, :municipality, :language, :experience_areas, "
    ":experts_needed, :notes, :state, :cancelled_by, :cancel_time, :revision, "
    ":create_time, :update_time)";
// The key comes last: exchange_id, id, then the revision the row must still have.
constexpr char kUpdateOrder[] =
    "UPDATE orders SET organization_id = :organization_id, role = :role, topic = "
    ":topic, audience = :audience, audience_size = :audience_size, start_time = "
    ":start_time, duration_minutes = :duration_minutes, preparation_minutes = "
    ":preparation_minutes, remote = :remote, address = :address, municipality = "
    ":municipality, language = :language, experience_areas = :experience_areas, "
    "experts_needed = :experts_needed, notes = :notes, state = :state, "
    "cancelled_by = :cancelled_by, cancel_time = :cancel_time, revision = "
    ":revision, create_time = :create_time, update_time = :update_time WHERE "
    "exchange_id = :exchange_id AND id = :id AND revision = :expected";
constexpr char kSelectOrder[] =
    "SELECT exchange_id, id, organization_id, role, topic, audience, audience_size, "
    "start_time, duration_minutes, preparation_minutes, remote, address, "
    "municipality, language, experience_areas, experts_needed, notes, state, "
    "cancelled_by, cancel_time, revision, create_time, update_time FROM orders "
    "WHERE exchange_id = :exchange_id AND id = :id";

// The last column is the assignment's current contract (latest, not superseded).
#define KOKEMUS_CONTRACT_OF_ASSIGNMENT                                                    \
  "COALESCE((SELECT c.id FROM contracts c WHERE c.exchange_id = assignments.exchange_id " \
  "AND c.order_id = assignments.order_id AND c.assignment_id = assignments.id AND "       \
  "c.superseded_by = '' ORDER BY c.create_time DESC, c.id LIMIT 1), '')"
constexpr char kAssignmentColumns[] =
    "exchange_id, order_id, id, expert_id, state, offer_deadline, start_time, "
    "end_time, block_end, actual_duration_minutes, fee_cents, travel_cents, "
    "travel_km, cancelled_by, cancel_time, revision, create_time, "
    "update_time, " KOKEMUS_CONTRACT_OF_ASSIGNMENT;
constexpr char kInsertAssignment[] =
    "INSERT INTO assignments (exchange_id, order_id, id, expert_id, state, "
    "offer_deadline, start_time, end_time, block_end, actual_duration_minutes, "
    "fee_cents, travel_cents, travel_km, cancelled_by, cancel_time, revision, "
    "create_time, update_time) VALUES (:exchange_id, :order_id, :id, :expert_id, "
    ":state, :offer_deadline, :start_time, :end_time, :block_end, "
    ":actual_duration_minutes, :fee_cents, :travel_cents, :travel_km, "
    ":cancelled_by, :cancel_time, :revision, :create_time, :update_time)";
constexpr char kUpdateAssignment[] =
    "UPDATE assignments SET expert_id = :expert_id, state = :state, "
    "offer_deadline = :offer_deadline, start_time = :start_time, end_time = "
    ":end_time, block_end = :block_end, actual_duration_minutes = "
    ":actual_duration_minutes, fee_cents = :fee_cents, travel_cents = "
    ":travel_cents, travel_km = :travel_km, cancelled_by = :cancelled_by, "
    "cancel_time = :cancel_time, revision = :revision, create_time = "
    ":create_time, update_time = :update_time WHERE exchange_id = :exchange_id "
    "AND order_id = :order_id AND id = :id AND revision = :expected";
constexpr char kSelectAssignment[] =
    "SELECT exchange_id, order_id, id, expert_id, state, offer_deadline, "
    "start_time, end_time, block_end, actual_duration_minutes, fee_cents, "
    "travel_cents, travel_km, cancelled_by, cancel_time, revision, create_time, "
    "update_time, " KOKEMUS_CONTRACT_OF_ASSIGNMENT
    " FROM assignments WHERE exchange_id = "
    ":exchange_id AND order_id = :order_id AND id = :id";
constexpr char kSelectAssignmentsOfOrder[] =
    "SELECT exchange_id, order_id, id, expert_id, state, offer_deadline, "
    "start_time, end_time, block_end, actual_duration_minutes, fee_cents, "
    "travel_cents, travel_km, cancelled_by, cancel_time, revision, create_time, "
    "update_time, " KOKEMUS_CONTRACT_OF_ASSIGNMENT
    " FROM assignments WHERE exchange_id = "
    ":exchange_id AND order_id = :order_id ORDER BY id";
// Held assignments of one expert whose blocked time overlaps [start, end).
constexpr char kCountOverlaps[] =
    "SELECT COUNT(*) FROM assignments WHERE exchange_id = :exchange_id AND "
    "expert_id = :expert_id AND state IN ('ACCEPTED', 'CONFIRMED') AND "
    "start_time < :block_end AND block_end > :start_time";
constexpr char kLapseOffers[] =
    "UPDATE assignments SET state = 'LAPSED', revision = revision + 1, "
    "update_time = :now WHERE state = 'OFFERED' AND offer_deadline <= :now2";

constexpr char kSelectExpertForOrders[] =
    "SELECT state, payment_method, home_municipality FROM experts WHERE "
    "exchange_id = :exchange_id AND id = :id";
constexpr char kSelectTravelBuffer[] = "SELECT travel_buffer_minutes FROM exchanges WHERE id = :id";
constexpr char kCountOrganization[] =
    "SELECT COUNT(*) FROM organizations WHERE exchange_id = :exchange_id AND id = :id";

constexpr char kInsertFeedback[] =
    "INSERT INTO feedback (exchange_id, order_id, assignment_id, source, "
    "overall_rating, content_rating, heaviness, setting_safe, comment, "
    "create_time) VALUES (:exchange_id, :order_id, :assignment_id, :source, "
    ":overall_rating, :content_rating, :heaviness, :setting_safe, :comment, "
    ":create_time)";
constexpr char kCountFeedback[] =
    "SELECT COUNT(*) FROM feedback WHERE exchange_id = :exchange_id AND order_id "
    "= :order_id AND assignment_id = :assignment_id AND source = :source";

constexpr char kSelectFeeSchedule[] =
    "SELECT document, revision, update_time FROM fee_schedules WHERE exchange_id = "
    ":exchange_id";
constexpr char kInsertFeeSchedule[] =
    "INSERT INTO fee_schedules (exchange_id, document, revision, update_time) "
    "VALUES (:exchange_id, :document, :revision, :update_time)";
constexpr char kUpdateFeeSchedule[] =
    "UPDATE fee_schedules SET document = :document, revision = :revision, "
    "update_time = :update_time WHERE exchange_id = :exchange_id AND revision = "
    ":expected";

// --- Rows --------------------------------------------------------------------

Record OrderData(const Order& o) {
  Json areas = Json::array();
  for (auto a : o.experience_areas) areas.push_back(Name(a));
  return {
      o.organization_id,
      Name(o.role),
      o.topic,
      Name(o.audience),
      static_cast<long long>(o.audience_size),
      Micros(o.start_time),
      static_cast<long long>(o.duration_minutes),
      static_cast<long long>(o.preparation_minutes),
      static_cast<long long>(o.remote ? 1 : 0),
      o.address,
      o.municipality,
      o.language,
      areas.dump(),
      static_cast<long long>(o.experts_needed),
      o.notes,
      Name(o.state),
      Name(o.cancelled_by),
      Micros(o.cancel_time),
      static_cast<long long>(o.meta.revision),
      Micros(o.meta.create_time),
      Micros(o.meta.update_time)};
}

Order ReadOrder(const soci::row& row) {
  RowReader r(row);
  Order o;
  o.exchange_id = r.Text();
  o.id = r.Text();
  o.organization_id = r.Text();
  o.role = r.Enum<domain::Role>();
  o.topic = r.Text();
  o.audience = r.Enum<domain::Audience>();
  o.audience_size = static_cast<int>(r.Int());
  o.start_time = r.Time();
  o.duration_minutes = static_cast<int>(r.Int());
  o.preparation_minutes = static_cast<int>(r.Int());
  o.remote = r.Int() != 0;
  o.address = r.Text();
  o.municipality = r.Text();
  o.language = r.Text();
  for (const auto& a : r.JsonValue()) {
    o.experience_areas.push_back(domain::ParseEnum<domain::ExperienceArea>(a.get<std::string>())
                                     .value_or(domain::ExperienceArea::kUnspecified));
  }
  o.experts_needed = static_cast<int>(r.Int());
  o.notes = r.Text();
  o.state = r.Enum<OrderState>();
  o.cancelled_by = r.Enum<CancelledBy>();
  o.cancel_time = r.Time();
  o.meta.revision = r.Int();
  o.meta.create_time = r.Time();
  o.meta.update_time = r.Time();
  return o;
}

Record AssignmentData(const Assignment& a, absl::Time block_end) {
  return {
      a.expert_id,
      Name(a.state),
      Micros(a.offer_deadline),
      Micros(a.start_time),
      Micros(a.end_time),
      Micros(block_end),
      static_cast<long long>(a.actual_duration_minutes),
      static_cast<long long>(a.fee_cents),
      static_cast<long long>(a.travel_cents),
      static_cast<long long>(a.travel_km),
      Name(a.cancelled_by),
      Micros(a.cancel_time),
      static_cast<long long>(a.meta.revision),
      Micros(a.meta.create_time),
      Micros(a.meta.update_time)};
}

Assignment ReadAssignment(const soci::row& row, absl::Time* block_end = nullptr) {
  RowReader r(row);
  Assignment a;
  a.exchange_id = r.Text();
  a.order_id = r.Text();
  a.id = r.Text();
  a.expert_id = r.Text();
  a.state = r.Enum<AssignmentState>();
  a.offer_deadline = r.Time();
  a.start_time = r.Time();
  a.end_time = r.Time();
  const absl::Time end = r.Time();
  if (block_end) *block_end = end;
  a.actual_duration_minutes = static_cast<int>(r.Int());
  a.fee_cents = r.Int();
  a.travel_cents = r.Int();
  a.travel_km = static_cast<int>(r.Int());
  a.cancelled_by = r.Enum<CancelledBy>();
  a.cancel_time = r.Time();
  a.meta.revision = r.Int();
  a.meta.create_time = r.Time();
  a.meta.update_time = r.Time();
  a.contract_id = r.Text();
  return a;
}

std::string OrderName(const std::string& exchange_id, const std::string& id) {
  return domain::ChildResourceName(exchange_id, "orders", id);
}

std::string AssignmentName(const Assignment& a) {
  return absl::StrCat(OrderName(a.exchange_id, a.order_id), "/assignments/", a.id);
}

// The transaction-scoped reads. On PostgreSQL `lock` takes the row lock that
// orders concurrent changes of one order or one expert; SQLite's writers are
// serialized already.
class Tx final {
 public:
  Tx(soci::session& sql, Dialect dialect) : sql_(sql), dialect_(dialect) {}

  absl::StatusOr<Order> GetOrder(const std::string& exchange_id, const std::string& id, bool lock) {
    auto rows =
        Query<Order>(sql_, absl::StrCat(kSelectOrder, Lock(lock)), {exchange_id, id}, ReadOrder);
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat(OrderName(exchange_id, id), " not found"));
    }
    return rows.front();
  }

  // Writes `o` as the next revision of the stored row.
  absl::Status SaveOrder(Order& o, absl::Time now) {
    const long long expected = o.meta.revision;
    o.meta.revision += 1;
    o.meta.update_time = std::max(now, o.meta.update_time);
    Record values = OrderData(o);
    values.insert(values.end(), {o.exchange_id, o.id, expected});
    if (Execute(sql_, kUpdateOrder, std::move(values)) != 1) {
      return absl::AbortedError(
          absl::StrCat(OrderName(o.exchange_id, o.id), " was changed by another request; retry"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Assignment> GetAssignment(
      const AssignmentKey& key, bool lock, absl::Time* block_end = nullptr) {
    auto rows = Query<Assignment>(
        sql_, absl::StrCat(kSelectAssignment, Lock(lock)), {key.exchange_id, key.order_id, key.id},
        [&](const soci::row& row) { return ReadAssignment(row, block_end); });
    if (rows.empty()) {
      return absl::NotFoundError(absl::StrCat(
          OrderName(key.exchange_id, key.order_id), "/assignments/", key.id, " not found"));
    }
    return rows.front();
  }

  std::vector<Assignment> AssignmentsOf(const Order& o) {
    return Query<Assignment>(
        sql_, kSelectAssignmentsOfOrder, {o.exchange_id, o.id},
        [](const soci::row& row) { return ReadAssignment(row); });
  }

  absl::Status SaveAssignment(Assignment& a, absl::Time block_end, absl::Time now) {
    const long long expected = a.meta.revision;
    a.meta.revision += 1;
    a.meta.update_time = std::max(now, a.meta.update_time);
    Record values = AssignmentData(a, block_end);
    values.insert(values.end(), {a.exchange_id, a.order_id, a.id, expected});
    if (Execute(sql_, kUpdateAssignment, std::move(values)) != 1) {
      return absl::AbortedError(
          absl::StrCat(AssignmentName(a), " was changed by another request; retry"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<domain::ExpertFacts> GetExpert(
      const std::string& exchange_id, const std::string& id, bool lock) {
    auto rows = Query<domain::ExpertFacts>(
        sql_, absl::StrCat(kSelectExpertForOrders, Lock(lock)), {exchange_id, id},
        [](const soci::row& row) {
      RowReader r(row);
      domain::ExpertFacts f;
      f.state = r.Enum<domain::ExpertState>();
      f.payment_method = r.Enum<domain::PaymentMethod>();
      f.home_municipality = r.Text();
      return f;
        });
    if (rows.empty()) {
      return absl::NotFoundError(
          absl::StrCat(domain::ChildResourceName(exchange_id, "experts", id), " not found"));
    }
    return rows.front();
  }

  absl::Duration TravelBuffer(const std::string& exchange_id) {
    return absl::Minutes(Count(sql_, kSelectTravelBuffer, {exchange_id}));
  }

  absl::StatusOr<FeeSchedule> GetFeeSchedule(const std::string& exchange_id);

  absl::StatusOr<std::string> FindRequest(
      const std::string& scope, const std::string& collection, const CreateOptions& options) {
    return FindCreateRequest(sql_, scope, collection, options.request_id, options.fingerprint);
  }

  void RecordRequest(
      const std::string& scope, const std::string& collection, const CreateOptions& options,
      const std::string& id, absl::Time now) {
    RecordCreateRequest(sql_, scope, collection, options.request_id, options.fingerprint, id, now);
  }

  soci::session& sql() { return sql_; }

 private:
  const char* Lock(bool lock) const {
    return lock && dialect_ == Dialect::kPostgresql ? " FOR UPDATE" : "";
  }

  soci::session& sql_;
  Dialect dialect_;
};

Json ScheduleDocument(const FeeSchedule& s) {
  Json roles = Json::array();
  for (const auto& r : s.role_rules) {
    roles.push_back(
        {{"role", Name(r.role)},
         {"valid_from", r.valid_from},
         {"kind", Name(r.kind)},
         {"amount_cents", r.amount_cents},
         {"minimum_cents", r.minimum_cents},
         {"preparation_paid", r.preparation_paid}});
  }
  Json travel = Json::array();
  for (const auto& t : s.travel_rates) {
    travel.push_back({{"valid_from", t.valid_from}, {"cents_per_km", t.cents_per_km}});
  }
  Json cancel = Json::array();
  for (const auto& c : s.cancellation_rules) {
    cancel.push_back(
        {{"valid_from", c.valid_from},
         {"orderer_notice_days", c.orderer_notice_days},
         {"orderer_late_percent", c.orderer_late_percent},
         {"expert_percent", c.expert_percent},
         {"exchange_percent", c.exchange_percent}});
  }
  return {{"role_rules", roles}, {"travel_rates", travel}, {"cancellation_rules", cancel}};
}

void ReadScheduleDocument(const Json& doc, FeeSchedule& s) {
  for (const auto& r : doc.at("role_rules")) {
    s.role_rules.push_back(
        {domain::ParseEnum<domain::Role>(r.at("role").get<std::string>())
             .value_or(domain::Role::kUnspecified),
         r.at("valid_from").get<std::string>(),
         domain::ParseEnum<domain::FeeKind>(r.at("kind").get<std::string>())
             .value_or(domain::FeeKind::kUnspecified),
         r.at("amount_cents").get<int64_t>(), r.at("minimum_cents").get<int64_t>(),
         r.at("preparation_paid").get<bool>()});
  }
  for (const auto& t : doc.at("travel_rates")) {
    s.travel_rates.push_back(
        {t.at("valid_from").get<std::string>(), t.at("cents_per_km").get<int64_t>()});
  }
  for (const auto& c : doc.at("cancellation_rules")) {
    s.cancellation_rules.push_back(
        {c.at("valid_from").get<std::string>(), c.at("orderer_notice_days").get<int>(),
         c.at("orderer_late_percent").get<int>(), c.at("expert_percent").get<int>(),
         c.at("exchange_percent").get<int>()});
  }
}

absl::StatusOr<FeeSchedule> Tx::GetFeeSchedule(const std::string& exchange_id) {
  if (absl::Status s = CheckExchangeExists(sql_, exchange_id); !s.ok()) return s;
  FeeSchedule schedule;
  schedule.exchange_id = exchange_id;
  auto rows = Query<int>(sql_, kSelectFeeSchedule, {exchange_id}, [&](const soci::row& row) {
    RowReader r(row);
    ReadScheduleDocument(r.JsonValue(), schedule);
    schedule.meta.revision = r.Int();
    schedule.meta.update_time = r.Time();
    return 0;
  });
  return schedule;
}

}  // namespace

// --- Orders ------------------------------------------------------------------

absl::StatusOr<Order> OrderStore::CreateOrder(Order order, const CreateOptions& options) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Order> {
    Tx tx(sql, db_.dialect());
    const std::string scope = domain::ExchangeName(order.exchange_id);
    auto known = tx.FindRequest(scope, "orders", options);
    if (!known.ok()) return known.status();
    if (!known->empty()) {
      return tx.GetOrder(order.exchange_id, *known, false);
    }
    if (absl::Status s = CheckExchangeExists(sql, order.exchange_id); !s.ok()) return s;
    if (Count(sql, kCountOrganization, {order.exchange_id, order.organization_id}) == 0) {
      return absl::NotFoundError(absl::StrCat(
          domain::ChildResourceName(order.exchange_id, "organizations", order.organization_id),
          " not found"));
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
    return Tx(sql, db_.dialect()).GetOrder(key.exchange_id, key.id, false);
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
    std::string where = "exchange_id = :exchange_id";
    if (!query.after_id.empty()) {
      // Cursor "start_micros/id": orders come by (start_time, id).
      std::pair<std::string, std::string> cursor = absl::StrSplit(query.after_id, '/');
      long long start = 0;
      if (!absl::SimpleAtoi(cursor.first, &start) || cursor.second.empty()) {
        return domain::InvalidField("page_token", "not a page token from this service");
      }
      absl::StrAppend(&where, " AND (start_time > :s1 OR (start_time = :s2 AND id > :after))");
      values.insert(values.end(), {start, start, cursor.second});
    }
    for (size_t i = 0; i < query.terms.size(); ++i) {
      const domain::FilterTerm& t = query.terms[i];
      if (t.field == "state") {
        absl::StrAppend(&where, " AND state = :f", i);
        values.push_back(t.value);
      } else if (t.field == "organization") {
        absl::StrAppend(&where, " AND organization_id = :f", i);
        values.push_back(t.value);
      } else if (t.field == "start_time") {
        absl::StrAppend(
            &where, " AND start_time ",
            t.op == ">="  ? ">="
            : t.op == "<" ? "<"
                          : "=",
            " :f", i);
        values.push_back(std::stoll(t.value));
      } else {
        return domain::InvalidField("filter", "unsupported field");
      }
    }
    values.push_back(static_cast<long long>(query.page_size + 1));
    page.items = Query<Order>(
        sql,
        absl::StrCat(
            "SELECT ", kOrderColumns, " FROM orders WHERE ", where,
            " ORDER BY start_time, id LIMIT :limit"),
        std::move(values), ReadOrder);
    FinishPage(
        page, query, [](const Order& o) { return absl::StrCat(Micros(o.start_time), "/", o.id); });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<Order> OrderStore::UpdateOrder(Order order, int64_t expected_revision) {
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    Tx tx(sql, db_.dialect());
    auto current = tx.GetOrder(order.exchange_id, order.id, true);
    if (!current.ok()) return current.status();
    if (current->meta.revision != expected_revision) {
      return absl::AbortedError(absl::StrCat(
          OrderName(order.exchange_id, order.id), " was changed by another request; retry"));
    }
    const bool organization_exists =
        Count(sql, kCountOrganization, {order.exchange_id, order.organization_id}) > 0;
    auto plan = domain::PlanOrderUpdate(
        *current, std::move(order), organization_exists, tx.AssignmentsOf(*current));
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

absl::StatusOr<Order> OrderStore::CancelOrder(
    const Key& key, CancelledBy by, int64_t expected_revision, absl::Time now) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Order> {
    Tx tx(sql, db_.dialect());
    auto order = tx.GetOrder(key.exchange_id, key.id, true);
    if (!order.ok()) return order.status();
    if (expected_revision != 0 && order->meta.revision != expected_revision) {
      return absl::AbortedError(absl::StrCat(
          OrderName(key.exchange_id, key.id), " was changed by another request; retry"));
    }
    auto schedule = tx.GetFeeSchedule(key.exchange_id);
    if (!schedule.ok()) return schedule.status();
    auto plan = domain::PlanOrderCancellation(*order, tx.AssignmentsOf(*order), *schedule, by, now);
    if (!plan.ok()) return plan.status();
    for (Assignment& a : plan->changed) {
      if (absl::Status s = tx.SaveAssignment(a, a.end_time, now); !s.ok()) return s;
    }
    *order = std::move(plan->order);
    if (absl::Status s = tx.SaveOrder(*order, now); !s.ok()) return s;
    return *order;
  });
}

// --- Assignments -------------------------------------------------------------

namespace {

// One offer inside a write transaction (see OrderStore::Offer).
absl::StatusOr<Assignment> OfferIn(
    Tx& tx, Assignment offer, const CreateOptions& options, absl::Time now) {
  soci::session& sql = tx.sql();
  const std::string scope = OrderName(offer.exchange_id, offer.order_id);
  auto known = tx.FindRequest(scope, "assignments", options);
  if (!known.ok()) return known.status();
  if (!known->empty()) {
    return tx.GetAssignment({offer.exchange_id, offer.order_id, *known}, false);
  }
  auto order = tx.GetOrder(offer.exchange_id, offer.order_id, true);
  if (!order.ok()) return order.status();
  auto expert = tx.GetExpert(offer.exchange_id, offer.expert_id, false);
  if (!expert.ok()) return expert.status();
  auto schedule = tx.GetFeeSchedule(offer.exchange_id);
  if (!schedule.ok()) return schedule.status();
  auto planned = domain::PlanOffer(
      *order, tx.AssignmentsOf(*order), *expert, *schedule, std::move(offer), now);
  if (!planned.ok()) return planned.status();
  offer = *std::move(planned);
  const absl::Time created = absl::FromUnixMicros(Micros(now));  // as a later read gives it
  offer.meta = {1, created, created};
  Record values = {offer.exchange_id, offer.order_id, offer.id};
  for (Value& v : AssignmentData(offer, offer.end_time)) values.push_back(std::move(v));
  Execute(sql, kInsertAssignment, std::move(values));
  tx.RecordRequest(scope, "assignments", options, offer.id, offer.meta.create_time);
  return offer;
}

}  // namespace

absl::StatusOr<Assignment> OrderStore::Offer(
    Assignment offer, const CreateOptions& options, absl::Time now) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Assignment> {
    Tx tx(sql, db_.dialect());
    return OfferIn(tx, std::move(offer), options, now);
  });
}

absl::StatusOr<std::vector<Assignment>> OrderStore::OfferAll(
    std::vector<Assignment> offers, absl::Time now, size_t* failed_index) {
  std::vector<Assignment> made;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    Tx tx(sql, db_.dialect());
    // Every order row first, in one order: no write (and so no lock on the
    // exchange's matching counter) comes before a lock another writer holds.
    std::set<std::pair<std::string, std::string>> orders;
    for (const Assignment& a : offers) orders.insert({a.exchange_id, a.order_id});
    for (const auto& [exchange_id, order_id] : orders) {
      if (auto order = tx.GetOrder(exchange_id, order_id, true); !order.ok()) {
        return order.status();
      }
    }
    made.clear();
    for (size_t i = 0; i < offers.size(); ++i) {
      auto offer = OfferIn(tx, offers[i], CreateOptions{}, now);
      if (!offer.ok()) {
        if (failed_index != nullptr) *failed_index = i;
        return offer.status();
      }
      made.push_back(*std::move(offer));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return made;
}

absl::StatusOr<std::vector<OpenOrder>> OrderStore::OpenOrders(
    const std::string& exchange_id, absl::Time from, absl::Time to, absl::Time now) {
  static const std::string kOpenOrders = absl::StrCat(
      "SELECT ", kOrderColumns,
      " FROM orders WHERE exchange_id = :exchange_id AND state = 'OPEN' AND "
      "start_time >= :from AND start_time < :to ORDER BY start_time, id");
  static constexpr char kTheirAssignments[] =
      "SELECT a.order_id, a.expert_id, a.state, a.offer_deadline FROM assignments a JOIN "
      "orders o ON o.exchange_id = a.exchange_id AND o.id = a.order_id WHERE o.exchange_id = "
      ":exchange_id AND o.state = 'OPEN' AND o.start_time >= :from AND o.start_time < :to";
  std::vector<OpenOrder> result;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
    std::map<std::string, size_t> index;
    for (Order& o :
         Query<Order>(sql, kOpenOrders, {exchange_id, Micros(from), Micros(to)}, ReadOrder)) {
      index[o.id] = result.size();
      const int places = o.experts_needed;
      result.push_back({std::move(o), places, {}});
    }
    soci::details::prepare_temp_type statement = (sql.prepare << kTheirAssignments);
    Record values = {exchange_id, Micros(from), Micros(to)};
    Bind(statement, values);
    soci::rowset<soci::row> rows(statement);
    for (const soci::row& row : rows) {
      RowReader r(row);
      auto it = index.find(r.Text());
      if (it == index.end()) continue;
      Assignment a;
      a.expert_id = r.Text();
      a.state = r.Enum<AssignmentState>();
      a.offer_deadline = r.Time();
      const AssignmentState state = domain::EffectiveState(a, now);
      if (state != AssignmentState::kOffered && !domain::HoldsTime(state)) continue;
      OpenOrder& open = result[it->second];
      --open.open_places;
      open.engaged_experts.push_back(a.expert_id);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Assignment> OrderStore::Transition(
    const AssignmentKey& key, AssignmentState to, const TransitionOptions& options,
    absl::Time now) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<Assignment> {
    Tx tx(sql, db_.dialect());
    // Lock order: the order row, then the expert row (accept), so that
    // concurrent changes of one order or one expert's calendar queue up.
    auto order = tx.GetOrder(key.exchange_id, key.order_id, true);
    if (!order.ok()) return order.status();
    absl::Time block_end;  // as stored; an accept reserves it anew
    auto assignment = tx.GetAssignment(key, false, &block_end);
    if (!assignment.ok()) return assignment.status();
    if (options.expected_revision != 0 && assignment->meta.revision != options.expected_revision) {
      return absl::AbortedError(
          absl::StrCat(AssignmentName(*assignment), " was changed by another request; retry"));
    }
    auto schedule = tx.GetFeeSchedule(key.exchange_id);
    if (!schedule.ok()) return schedule.status();
    const std::vector<Assignment> siblings = tx.AssignmentsOf(*order);
    domain::TransitionFacts facts{*order, *assignment, siblings, nullptr, *schedule};
    absl::StatusOr<domain::ExpertFacts> expert;
    const bool accepting = to == AssignmentState::kAccepted;
    if (accepting || to == AssignmentState::kCompleted) {
      expert = tx.GetExpert(key.exchange_id, assignment->expert_id, /*lock=*/accepting);
      if (!expert.ok()) return expert.status();
      facts.expert = &*expert;
    }
    if (accepting) {
      facts.travel_buffer = tx.TravelBuffer(key.exchange_id);
      facts.overlapping_held = static_cast<int>(Count(
          sql, kCountOverlaps,
          {key.exchange_id, assignment->expert_id,
           Micros(domain::BlockEnd(*assignment, facts.travel_buffer)),
           Micros(assignment->start_time)}));
    }
    auto plan = domain::PlanTransition(
        facts, {to, options.cancelled_by, options.actual_duration_minutes}, now);
    if (!plan.ok()) return plan.status();
    if (absl::Status s =
            tx.SaveAssignment(plan->assignment, plan->block_end.value_or(block_end), now);
        !s.ok()) {
      return s;
    }
    for (Assignment& withdrawn : plan->withdrawn) {
      if (absl::Status s = tx.SaveAssignment(withdrawn, withdrawn.end_time, now); !s.ok()) {
        return s;
      }
    }
    if (plan->order_state) {
      order->state = *plan->order_state;
      if (absl::Status s = tx.SaveOrder(*order, now); !s.ok()) return s;
    }
    return plan->assignment;
  });
}

absl::StatusOr<Assignment> OrderStore::GetAssignment(const AssignmentKey& key, absl::Time now) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<Assignment> {
    auto assignment = Tx(sql, db_.dialect()).GetAssignment(key, false);
    if (assignment.ok()) assignment->state = domain::EffectiveState(*assignment, now);
    return assignment;
  });
}

absl::StatusOr<Page<Assignment>> OrderStore::ListAssignments(
    const std::string& exchange_id, const std::string& order_id, const domain::ListQuery& query,
    absl::Time now) {
  Page<Assignment> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    Tx tx(sql, db_.dialect());
    Record values = {exchange_id};
    std::string where = "exchange_id = :exchange_id";
    if (!order_id.empty()) {
      if (auto order = tx.GetOrder(exchange_id, order_id, false); !order.ok()) {
        return order.status();
      }
      absl::StrAppend(&where, " AND order_id = :order_id");
      values.push_back(order_id);
    } else if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) {
      return s;
    }
    if (!query.after_id.empty()) {
      // Cursor "order_id/id".
      std::pair<std::string, std::string> cursor = absl::StrSplit(query.after_id, '/');
      absl::StrAppend(&where, " AND (order_id > :o1 OR (order_id = :o2 AND id > :after))");
      values.insert(values.end(), {cursor.first, cursor.first, cursor.second});
    }
    for (size_t i = 0; i < query.terms.size(); ++i) {
      const domain::FilterTerm& t = query.terms[i];
      if (t.field == "state" && t.value == "LAPSED") {
        // Offers past their deadline are LAPSED even before the sweep marks them.
        absl::StrAppend(
            &where,
            " AND (state = 'LAPSED' OR (state = 'OFFERED' AND "
            "offer_deadline <= :f",
            i, "))");
        values.push_back(Micros(now));
      } else if (t.field == "state" && t.value == "OFFERED") {
        absl::StrAppend(&where, " AND state = 'OFFERED' AND offer_deadline > :f", i);
        values.push_back(Micros(now));
      } else if (t.field == "state") {
        absl::StrAppend(&where, " AND state = :f", i);
        values.push_back(t.value);
      } else if (t.field == "expert") {
        absl::StrAppend(&where, " AND expert_id = :f", i);
        values.push_back(t.value);
      } else {
        return domain::InvalidField("filter", "unsupported field");
      }
    }
    values.push_back(static_cast<long long>(query.page_size + 1));
    page.items = Query<Assignment>(
        sql,
        absl::StrCat(
            "SELECT ", kAssignmentColumns, " FROM assignments WHERE ", where,
            " ORDER BY order_id, id LIMIT :limit"),
        std::move(values), [](const soci::row& row) { return ReadAssignment(row); });
    for (Assignment& a : page.items) a.state = domain::EffectiveState(a, now);
    FinishPage(
        page, query, [](const Assignment& a) { return absl::StrCat(a.order_id, "/", a.id); });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<domain::Feedback> OrderStore::SubmitFeedback(
    const AssignmentKey& key, domain::Feedback feedback, absl::Time now) {
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    Tx tx(sql, db_.dialect());
    auto a = tx.GetAssignment(key, true);
    if (!a.ok()) return a.status();
    if (a->state != AssignmentState::kCompleted) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the assignment is ", domain::EnumName(a->state),
          "; feedback is taken after completion"));
    }
    const std::string source = Name(feedback.source);
    if (Count(sql, kCountFeedback, {key.exchange_id, key.order_id, key.id, source}) > 0) {
      return absl::AlreadyExistsError(absl::StrCat(
          "feedback from the ", absl::AsciiStrToLower(source), " was already submitted"));
    }
    feedback.create_time = now;
    Execute(
        sql, kInsertFeedback,
        {key.exchange_id, key.order_id, key.id, source,
         static_cast<long long>(feedback.overall_rating),
         static_cast<long long>(feedback.content_rating),
         static_cast<long long>(feedback.heaviness),
         static_cast<long long>(feedback.setting_safe ? 1 : 0), feedback.comment, Micros(now)});
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return feedback;
}

// --- Fee schedule --------------------------------------------------------------

absl::StatusOr<FeeSchedule> OrderStore::GetFeeSchedule(const std::string& exchange_id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<FeeSchedule> {
    return Tx(sql, db_.dialect()).GetFeeSchedule(exchange_id);
  });
}

absl::StatusOr<FeeSchedule> OrderStore::UpdateFeeSchedule(
    FeeSchedule schedule, int64_t expected_revision) {
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    Tx tx(sql, db_.dialect());
    auto current = tx.GetFeeSchedule(schedule.exchange_id);
    if (!current.ok()) return current.status();
    if (expected_revision != 0 && current->meta.revision != expected_revision) {
      return absl::AbortedError("the fee schedule was changed by another request; retry");
    }
    const absl::Time now = db_.Now();
    schedule.meta.revision = current->meta.revision + 1;
    schedule.meta.update_time = now;
    const std::string document = ScheduleDocument(schedule).dump();
    if (current->meta.revision == 0) {
      Execute(
          sql, kInsertFeeSchedule,
          {schedule.exchange_id, document, schedule.meta.revision, Micros(now)});
    } else if (
        Execute(
            sql, kUpdateFeeSchedule,
            {document, schedule.meta.revision, Micros(now), schedule.exchange_id,
             current->meta.revision}) != 1) {
      return absl::AbortedError("the fee schedule was changed by another request; retry");
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return schedule;
}

absl::Status OrderStore::FillActivity(
    const std::string& exchange_id, std::vector<domain::ExpertRecord>& experts) {
  static constexpr char kActivity[] =
      "SELECT a.expert_id, a.state, a.start_time, a.end_time, a.fee_cents, o.role, "
      "o.organization_id, COALESCE(f.overall_rating, 0) FROM assignments a JOIN orders o ON "
      "o.exchange_id = a.exchange_id AND o.id = a.order_id LEFT JOIN feedback f ON "
      "f.exchange_id = a.exchange_id AND f.order_id = a.order_id AND f.assignment_id = a.id "
      "AND f.source = 'ORDERER' WHERE a.exchange_id = :exchange_id AND a.state IN "
      "('ACCEPTED', 'CONFIRMED', 'COMPLETED')";
  std::unordered_map<std::string, domain::ExpertRecord*> by_id;
  for (auto& r : experts) by_id[r.expert.id] = &r;
  return db_.Read([&](soci::session& sql) -> absl::Status {
    soci::details::prepare_temp_type statement = (sql.prepare << kActivity);
    Record values = {exchange_id};
    Bind(statement, values);
    soci::rowset<soci::row> rows(statement);
    for (const soci::row& row : rows) {
      RowReader r(row);
      auto it = by_id.find(r.Text());
      if (it == by_id.end()) continue;
      domain::PastTask t;
      t.completed = r.Enum<AssignmentState>() == AssignmentState::kCompleted;
      t.start_time = r.Time();
      t.end_time = r.Time();
      t.fee_cents = r.Int();
      t.role = r.Enum<domain::Role>();
      t.organization_id = r.Text();
      t.orderer_rating = static_cast<int>(r.Int());
      it->second->tasks.push_back(std::move(t));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<int> OrderStore::LapseExpiredOffers(absl::Time now) {
  int lapsed = 0;
  absl::Status status = db_.Write([&](soci::session& sql) {
    lapsed = static_cast<int>(Execute(sql, kLapseOffers, {Micros(now), Micros(now)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return lapsed;
}

}  // namespace kokemus::storage
