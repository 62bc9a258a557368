// Internal to the order, assignment and fee schedule stores: their SQL, the
// mapping of rows to domain structs, and the transaction-scoped reads and
// writes they share (OrderTx). Nothing outside services/storage/ includes it.
#ifndef KOKEMUS_SERVICES_STORAGE_ORDER_ROWS_H_
#define KOKEMUS_SERVICES_STORAGE_ORDER_ROWS_H_

#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/matching.h"
#include "services/domain/order_lifecycle.h"
#include "services/domain/orders.h"
#include "services/storage/assignment_store.h"
#include "services/storage/database.h"
#include "services/storage/earnings_store.h"
#include "services/storage/registry_store.h"
#include "services/storage/sql.h"

namespace kokemus::storage::order_rows {

using domain::Assignment;
using domain::AssignmentState;
using domain::CancelledBy;
using domain::FeeSchedule;
using domain::Order;
using domain::OrderState;

// --- SQL ---------------------------------------------------------------------

inline constexpr char kOrderColumns[] =
    "exchange_id, id, organization_id, role, topic, audience, audience_size, "
    "start_time, duration_minutes, preparation_minutes, remote, address, "
    "municipality, language, experience_areas, experts_needed, notes, state, "
    "cancelled_by, cancel_time, revision, create_time, update_time";
inline constexpr char kInsertOrder[] =
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
inline constexpr char kUpdateOrder[] =
    "UPDATE orders SET organization_id = :organization_id, role = :role, topic = "
    ":topic, audience = :audience, audience_size = :audience_size, start_time = "
    ":start_time, duration_minutes = :duration_minutes, preparation_minutes = "
    ":preparation_minutes, remote = :remote, address = :address, municipality = "
    ":municipality, language = :language, experience_areas = :experience_areas, "
    "experts_needed = :experts_needed, notes = :notes, state = :state, "
    "cancelled_by = :cancelled_by, cancel_time = :cancel_time, revision = "
    ":revision, create_time = :create_time, update_time = :update_time WHERE "
    "exchange_id = :exchange_id AND id = :id AND revision = :expected";
inline constexpr char kSelectOrder[] =
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
// Then whether the orderer, and the expert, have given feedback on it.
#define KOKEMUS_FEEDBACK_OF_SOURCE(source)                                          \
  "(SELECT COUNT(*) FROM feedback f WHERE f.exchange_id = assignments.exchange_id " \
  "AND f.order_id = assignments.order_id AND f.assignment_id = assignments.id AND " \
  "f.source = '" source "')"
#define KOKEMUS_ASSIGNMENT_EXTRAS \
  KOKEMUS_CONTRACT_OF_ASSIGNMENT  \
  ", " KOKEMUS_FEEDBACK_OF_SOURCE("ORDERER") ", " KOKEMUS_FEEDBACK_OF_SOURCE("EXPERT")
inline constexpr char kAssignmentColumns[] =
    "exchange_id, order_id, id, expert_id, state, offer_deadline, start_time, "
    "end_time, block_end, actual_duration_minutes, fee_cents, travel_cents, "
    "travel_km, declined_fee_cents, daily_allowance_cents, cancelled_by, cancel_reason, "
    "decline_reason, overridden_rules, offer_round, "
    "offer_kind, backup_rank, cancel_time, "
    "revision, create_time, "
    "update_time, " KOKEMUS_ASSIGNMENT_EXTRAS;
inline constexpr char kInsertAssignment[] =
    "INSERT INTO assignments (exchange_id, order_id, id, expert_id, state, "
    "offer_deadline, start_time, end_time, block_end, actual_duration_minutes, "
    "fee_cents, travel_cents, travel_km, declined_fee_cents, daily_allowance_cents, cancelled_by, "
    "cancel_reason, decline_reason, "
    "overridden_rules, offer_round, offer_kind, backup_rank, cancel_time, "
    "revision, "
    "create_time, update_time) VALUES (:exchange_id, :order_id, :id, :expert_id, "
    ":state, :offer_deadline, :start_time, :end_time, :block_end, "
    ":actual_duration_minutes, :fee_cents, :travel_cents, :travel_km, :declined_fee_cents, "
    ":daily_allowance_cents, "
    ":cancelled_by, :cancel_reason, :decline_reason, :overridden_rules, :offer_round, "
    ":offer_kind, :backup_rank, :cancel_time, :revision, "
    ":create_time, "
    ":update_time)";
inline constexpr char kUpdateAssignment[] =
    "UPDATE assignments SET expert_id = :expert_id, state = :state, "
    "offer_deadline = :offer_deadline, start_time = :start_time, end_time = "
    ":end_time, block_end = :block_end, actual_duration_minutes = "
    ":actual_duration_minutes, fee_cents = :fee_cents, travel_cents = "
    ":travel_cents, travel_km = :travel_km, declined_fee_cents = :declined_fee_cents, "
    "daily_allowance_cents = :daily_allowance_cents, cancelled_by = :cancelled_by, "
    "cancel_reason = :cancel_reason, decline_reason = :decline_reason, overridden_rules = "
    ":overridden_rules, offer_round = :offer_round, offer_kind = :offer_kind, backup_rank = "
    ":backup_rank, cancel_time = :cancel_time, revision = "
    ":revision, create_time = "
    ":create_time, update_time = "
    ":update_time WHERE exchange_id = :exchange_id "
    "AND order_id = :order_id AND id = :id AND revision = :expected";
inline constexpr char kSelectAssignment[] =
    "SELECT exchange_id, order_id, id, expert_id, state, offer_deadline, "
    "start_time, end_time, block_end, actual_duration_minutes, fee_cents, "
    "travel_cents, travel_km, declined_fee_cents, daily_allowance_cents, cancelled_by, "
    "cancel_reason, decline_reason, overridden_rules, "
    "offer_round, offer_kind, backup_rank, cancel_time, revision, "
    "create_time, "
    "update_time, " KOKEMUS_ASSIGNMENT_EXTRAS
    " FROM assignments WHERE exchange_id = "
    ":exchange_id AND order_id = :order_id AND id = :id";
inline constexpr char kSelectAssignmentsOfOrder[] =
    "SELECT exchange_id, order_id, id, expert_id, state, offer_deadline, "
    "start_time, end_time, block_end, actual_duration_minutes, fee_cents, "
    "travel_cents, travel_km, declined_fee_cents, daily_allowance_cents, cancelled_by, "
    "cancel_reason, decline_reason, overridden_rules, "
    "offer_round, offer_kind, backup_rank, cancel_time, revision, "
    "create_time, "
    "update_time, " KOKEMUS_ASSIGNMENT_EXTRAS
    " FROM assignments WHERE exchange_id = "
    ":exchange_id AND order_id = :order_id ORDER BY id";
// Held assignments of one expert whose blocked time overlaps [start, end).
inline constexpr char kCountOverlaps[] =
    "SELECT COUNT(*) FROM assignments WHERE exchange_id = :exchange_id AND "
    "expert_id = :expert_id AND state IN ('ACCEPTED', 'CONFIRMED') AND "
    "start_time < :block_end AND block_end > :start_time";
inline constexpr char kExpiredOffers[] =
    "SELECT exchange_id, order_id, id FROM assignments WHERE state = 'OFFERED' AND "
    "offer_deadline <= :now ORDER BY offer_deadline, exchange_id, order_id, id LIMIT 1000";
inline constexpr char kLapseOffer[] =
    "UPDATE assignments SET state = 'LAPSED', revision = revision + 1, update_time = :now "
    "WHERE exchange_id = :x AND order_id = :o AND id = :id AND state = 'OFFERED'";

inline constexpr char kSelectExpertForOrders[] =
    "SELECT state, payment_method, home_municipality, max_assignments_per_month, "
    "monthly_earnings_limit_cents, benefit_limit FROM experts WHERE exchange_id = :exchange_id "
    "AND id = :id";
// An expert's other held and completed tasks starting in [from, to).
inline constexpr char kSelectHeldTasks[] =
    "SELECT a.start_time, a.end_time, a.fee_cents, o.role FROM assignments a JOIN orders o ON "
    "o.exchange_id = a.exchange_id AND o.id = a.order_id WHERE a.exchange_id = :exchange_id AND "
    "a.expert_id = :expert_id AND a.state IN ('ACCEPTED', 'CONFIRMED', 'COMPLETED') AND "
    "a.start_time >= :from AND a.start_time < :to AND NOT (a.order_id = :order_id AND a.id = :id)";
inline constexpr char kSelectTravelBuffer[] =
    "SELECT travel_buffer_minutes FROM exchanges WHERE id = :id";
inline constexpr char kOrganizationState[] =
    "SELECT state FROM organizations WHERE exchange_id = :exchange_id AND id = :id";

inline constexpr char kInsertFeedback[] =
    "INSERT INTO feedback (exchange_id, order_id, assignment_id, source, "
    "overall_rating, content_rating, heaviness, setting_safe, support_afterwards, comment, "
    "create_time) VALUES (:exchange_id, :order_id, :assignment_id, :source, "
    ":overall_rating, :content_rating, :heaviness, :setting_safe, :support, :comment, "
    ":create_time)";
inline constexpr char kCountFeedback[] =
    "SELECT COUNT(*) FROM feedback WHERE exchange_id = :exchange_id AND order_id "
    "= :order_id AND assignment_id = :assignment_id AND source = :source";

inline constexpr char kSelectFeeSchedule[] =
    "SELECT document, revision, update_time FROM fee_schedules WHERE exchange_id = "
    ":exchange_id";
inline constexpr char kInsertFeeSchedule[] =
    "INSERT INTO fee_schedules (exchange_id, document, revision, update_time) "
    "VALUES (:exchange_id, :document, :revision, :update_time)";
inline constexpr char kUpdateFeeSchedule[] =
    "UPDATE fee_schedules SET document = :document, revision = :revision, "
    "update_time = :update_time WHERE exchange_id = :exchange_id AND revision = "
    ":expected";

// --- Rows --------------------------------------------------------------------

inline Record OrderData(const Order& o) {
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

inline Order ReadOrder(const soci::row& row) {
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

// Overridden matching rules as stored: their names joined by commas.
inline std::string RuleNames(const std::vector<domain::ExclusionRule>& rules) {
  return absl::StrJoin(rules, ",", [](std::string* out, domain::ExclusionRule r) {
    absl::StrAppend(out, domain::ExclusionRuleName(r));
  });
}
inline std::vector<domain::ExclusionRule> RulesOf(const std::string& names) {
  std::vector<domain::ExclusionRule> rules;
  for (absl::string_view name : absl::StrSplit(names, ',', absl::SkipEmpty())) {
    if (auto rule = domain::ExclusionRuleFromName(name)) rules.push_back(*rule);
  }
  return rules;
}

inline Record AssignmentData(const Assignment& a, absl::Time block_end) {
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
      static_cast<long long>(a.declined_fee_cents),
      static_cast<long long>(a.daily_allowance_cents),
      Name(a.cancelled_by),
      Name(a.cancel_reason),
      Name(a.decline_reason),
      RuleNames(a.overridden_rules),
      static_cast<long long>(a.offer_round),
      Name(a.offer_kind),
      static_cast<long long>(a.backup_rank),
      Micros(a.cancel_time),
      static_cast<long long>(a.meta.revision),
      Micros(a.meta.create_time),
      Micros(a.meta.update_time)};
}

inline Assignment ReadAssignment(const soci::row& row, absl::Time* block_end = nullptr) {
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
  a.declined_fee_cents = r.Int();
  a.daily_allowance_cents = r.Int();
  a.cancelled_by = r.Enum<CancelledBy>();
  a.cancel_reason = r.Enum<domain::CancelReason>();
  a.decline_reason = r.Enum<domain::DeclineReason>();
  a.overridden_rules = RulesOf(r.Text());
  a.offer_round = static_cast<int>(r.Int());
  a.offer_kind = r.Enum<domain::OfferKind>();
  a.backup_rank = static_cast<int>(r.Int());
  a.cancel_time = r.Time();
  a.meta.revision = r.Int();
  a.meta.create_time = r.Time();
  a.meta.update_time = r.Time();
  a.contract_id = r.Text();
  if (r.Int() > 0) a.feedback_given.push_back(domain::FeedbackSource::kOrderer);
  if (r.Int() > 0) a.feedback_given.push_back(domain::FeedbackSource::kExpert);
  return a;
}

inline std::string OrderName(const std::string& exchange_id, const std::string& id) {
  return domain::ChildResourceName(exchange_id, "orders", id);
}

inline std::string AssignmentName(const Assignment& a) {
  return absl::StrCat(OrderName(a.exchange_id, a.order_id), "/assignments/", a.id);
}

// The transaction-scoped reads. On PostgreSQL `lock` takes the row lock that
// orders concurrent changes of one order or one expert; SQLite's writers are
// serialized already.
class OrderTx final {
 public:
  OrderTx(soci::session& sql, Dialect dialect) : sql_(sql), dialect_(dialect) {}

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
      f.max_assignments_per_month = static_cast<int>(r.Int());
      f.limit.monthly_cents = r.Int();
      f.limit.benefit = BenefitLimitFrom(r.JsonValue());
      return f;
        });
    if (rows.empty()) {
      return absl::NotFoundError(
          absl::StrCat(domain::ChildResourceName(exchange_id, "experts", id), " not found"));
    }
    return rows.front();
  }

  // The expert's other held and completed tasks within 400 days of `a`'s
  // start: what an accept checks her cap, limit and rest against.
  std::vector<domain::PastTask> HeldNear(const Assignment& a) {
    return Query<domain::PastTask>(
        sql_, kSelectHeldTasks,
        // Near enough for the rest and the month's cap, and every task that
        // may be paid in the same month or year (domain::kLongestPayLagDays).
        {a.exchange_id, a.expert_id, Micros(a.start_time - absl::Hours(24 * 400)),
         Micros(a.start_time + absl::Hours(24 * 400)), a.order_id, a.id},
        [](const soci::row& row) {
      RowReader r(row);
      domain::PastTask t;
      t.start_time = r.Time();
      t.end_time = r.Time();
      t.fee_cents = r.Int();
      t.role = r.Enum<domain::Role>();
      return t;
        });
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

inline Json ScheduleDocument(const FeeSchedule& s) {
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
    Json tiers = Json::array();
    for (const auto& t : c.orderer_tiers) {
      tiers.push_back({{"notice_days", t.notice_days}, {"percent", t.percent}});
    }
    cancel.push_back(
        {{"valid_from", c.valid_from},
         {"orderer_notice_days", c.orderer_notice_days},
         {"orderer_late_percent", c.orderer_late_percent},
         {"expert_percent", c.expert_percent},
         {"exchange_percent", c.exchange_percent},
         {"orderer_tiers", tiers}});
  }
  return {{"role_rules", roles}, {"travel_rates", travel}, {"cancellation_rules", cancel}};
}

inline void ReadScheduleDocument(const Json& doc, FeeSchedule& s) {
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
    domain::CancellationRule rule{
        c.at("valid_from").get<std::string>(),   c.at("orderer_notice_days").get<int>(),
        c.at("orderer_late_percent").get<int>(), c.at("expert_percent").get<int>(),
        c.at("exchange_percent").get<int>(),     {}};
    // Schedules stored before the tiers have none.
    if (c.contains("orderer_tiers")) {
      for (const auto& t : c.at("orderer_tiers")) {
        rule.orderer_tiers.push_back({t.at("notice_days").get<int>(), t.at("percent").get<int>()});
      }
    }
    s.cancellation_rules.push_back(std::move(rule));
  }
}

inline absl::StatusOr<FeeSchedule> OrderTx::GetFeeSchedule(const std::string& exchange_id) {
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

// One offer inside a write transaction (AssignmentStore::Offer): a replayed
// request gets its offer back; otherwise the order row is locked, the offer
// planned (domain::PlanOffer), inserted and the expert's message queued.
absl::StatusOr<Assignment> OfferIn(
    OrderTx& tx, Assignment offer, const CreateOptions& options, absl::Time now);

}  // namespace kokemus::storage::order_rows

#endif  // KOKEMUS_SERVICES_STORAGE_ORDER_ROWS_H_
