#include "services/storage/report_store.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "services/domain/listing.h"
#include "services/reference/calendar.h"
#include "services/storage/earnings_store.h"
#include "services/storage/order_rows.h"
#include "services/storage/sealed.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kTasks[] =
    "SELECT a.exchange_id, a.order_id, a.id, a.expert_id, o.organization_id, g.display_name, "
    "a.state, a.cancelled_by, a.start_time, a.actual_duration_minutes, o.duration_minutes, "
    "a.fee_cents, a.travel_cents, a.declined_fee_cents, a.daily_allowance_cents, o.role, g.kind, "
    "g.sector, o.municipality, o.remote, "
    "COALESCE(fo.overall_rating, 0), COALESCE(fo.content_rating, 0), "
    "COALESCE(fe.heaviness, 0), COALESCE(fe.setting_safe, -1), "
    "COALESCE(fe.support_afterwards, '') "
    "FROM assignments a "
    "JOIN orders o ON o.exchange_id = a.exchange_id AND o.id = a.order_id "
    "JOIN organizations g ON g.exchange_id = o.exchange_id AND g.id = o.organization_id "
    "LEFT JOIN feedback fo ON fo.exchange_id = a.exchange_id AND fo.order_id = a.order_id "
    "AND fo.assignment_id = a.id AND fo.source = 'ORDERER' "
    "LEFT JOIN feedback fe ON fe.exchange_id = a.exchange_id AND fe.order_id = a.order_id "
    "AND fe.assignment_id = a.id AND fe.source = 'EXPERT' "
    "WHERE a.start_time >= :from AND a.start_time < :to";
constexpr char kHeldOnly[] = " AND a.state IN ('COMPLETED', 'CANCELLED')";
constexpr char kOneExchange[] = " AND a.exchange_id = :exchange_id";
constexpr char kOrder[] = " ORDER BY a.start_time, a.exchange_id, a.order_id, a.id";

domain::TaskRecord ReadTask(const soci::row& row) {
  RowReader r(row);
  domain::TaskRecord t;
  t.exchange_id = r.Text();
  t.order_id = r.Text();
  t.assignment_id = r.Text();
  t.expert_id = r.Text();
  t.organization_id = r.Text();
  t.organization_name = r.Text();
  t.state = r.Enum<domain::AssignmentState>();
  t.cancelled_by = r.Enum<domain::CancelledBy>();
  t.start_time = r.Time();
  const int actual = static_cast<int>(r.Int());
  const int ordered = static_cast<int>(r.Int());
  t.minutes = actual > 0 ? actual : ordered;
  t.fee_cents = r.Int();
  t.travel_cents = r.Int();
  t.declined_fee_cents = r.Int();
  t.daily_allowance_cents = r.Int();
  t.role = r.Enum<domain::Role>();
  t.kind = r.Enum<domain::OrganizationKind>();
  t.sector = r.Enum<domain::Sector>();
  t.municipality = r.Text();
  t.remote = r.Int() != 0;
  if (t.remote) t.municipality.clear();
  t.orderer_overall = static_cast<int>(r.Int());
  t.orderer_content = static_cast<int>(r.Int());
  t.expert_heaviness = static_cast<int>(r.Int());
  t.expert_setting_safe = static_cast<int>(r.Int());
  t.expert_support = r.Text();
  return t;
}

}  // namespace

absl::StatusOr<std::vector<domain::TaskRecord>> ReportStore::Tasks(
    const std::string& exchange_id, absl::Time from, absl::Time to, bool all_states) {
  std::vector<domain::TaskRecord> tasks;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    Record values = {Micros(from), Micros(to)};
    std::string query = absl::StrCat(kTasks, all_states ? "" : kHeldOnly);
    if (!exchange_id.empty()) {
      if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
      absl::StrAppend(&query, kOneExchange);
      values.push_back(exchange_id);
    }
    absl::StrAppend(&query, kOrder);
    tasks = Query<domain::TaskRecord>(sql, query, std::move(values), ReadTask);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return tasks;
}

absl::StatusOr<std::vector<domain::TaskRecord>> ReportStore::CohortTasks(
    const std::string& exchange_id, const std::vector<domain::Trainee>& trainees, absl::Time to) {
  std::optional<absl::CivilDay> first;
  for (const domain::Trainee& t : trainees) {
    if (t.state != domain::EnrolmentState::kCompleted) continue;
    if (!first || t.completion_date < *first) first = t.completion_date;
  }
  if (!first) return std::vector<domain::TaskRecord>();
  return Tasks(exchange_id, absl::FromCivil(*first, reference::HelsinkiTimeZone()), to, false);
}

absl::StatusOr<std::vector<domain::FillRecord>> ReportStore::FillRecords(
    const std::string& exchange_id, absl::Time from, absl::Time to, absl::Time now) {
  std::vector<domain::FillRecord> records;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    const std::string one = exchange_id.empty() ? "" : " AND o.exchange_id = :exchange_id";
    Record values = {Micros(from), Micros(to)};
    if (!exchange_id.empty()) {
      if (absl::Status s = CheckExchangeExists(sql, exchange_id); !s.ok()) return s;
      values.push_back(exchange_id);
    }
    // The orders, with the number of rounds run on each.
    std::map<std::pair<std::string, std::string>, size_t> index;
    Query<int>(
        sql,
        absl::StrCat(
            "SELECT o.exchange_id, o.id, o.state, o.experts_needed, o.create_time, "
            "COALESCE(r.rounds, '[]') FROM orders o LEFT JOIN offer_rounds r ON "
            "r.exchange_id = o.exchange_id AND r.order_id = o.id "
            "WHERE o.start_time >= :from AND o.start_time < :to",
            one, " ORDER BY o.exchange_id, o.id"),
        values, [&](const soci::row& row) {
          RowReader r(row);
          std::string exchange = r.Text();
          std::string id = r.Text();
          domain::FillRecord o;
          o.state = r.Enum<domain::OrderState>();
          o.experts_needed = static_cast<int>(r.Int());
          o.create_time = r.Time();
          o.rounds = static_cast<int>(r.JsonValue().size());
          index[{exchange, id}] = records.size();
          records.push_back(std::move(o));
          return 0;
        });
    // When each assignment of those orders was first accepted.
    std::map<std::string, absl::Time> accepted;
    Record exchange_only;
    if (!exchange_id.empty()) exchange_only.push_back(exchange_id);
    Query<int>(
        sql,
        absl::StrCat(
            "SELECT assignment, MIN(create_time) FROM events WHERE state = 'ACCEPTED'",
            exchange_id.empty() ? "" : " AND exchange_id = :exchange_id", " GROUP BY assignment"),
        exchange_only, [&](const soci::row& row) {
          RowReader r(row);
          std::string name = r.Text();
          accepted[name] = r.Time();
          return 0;
        });
    Query<int>(
        sql,
        absl::StrCat(
            "SELECT a.exchange_id, a.order_id, a.id, a.state, a.offer_deadline, a.decline_reason, "
            "a.cancelled_by, a.cancel_reason, a.overridden_rules FROM assignments a JOIN orders o "
            "ON o.exchange_id = a.exchange_id AND o.id = a.order_id "
            "WHERE o.start_time >= :from AND o.start_time < :to",
            one),
        values, [&](const soci::row& row) {
          RowReader r(row);
          std::string exchange = r.Text();
          std::string order = r.Text();
          std::string id = r.Text();
          domain::Assignment a;  // for its state as of now
          a.state = r.Enum<domain::AssignmentState>();
          a.offer_deadline = r.Time();
          domain::FillOffer f;
          f.state = domain::EffectiveState(a, now);
          f.decline_reason = r.Enum<domain::DeclineReason>();
          f.cancelled_by = r.Enum<domain::CancelledBy>();
          f.cancel_reason = r.Enum<domain::CancelReason>();
          const std::vector<domain::ExclusionRule> overridden = order_rows::RulesOf(r.Text());
          f.untrained =
              std::find(overridden.begin(), overridden.end(), domain::ExclusionRule::kNotTrained) !=
              overridden.end();
          const std::string name = absl::StrCat(
              domain::ChildResourceName(exchange, "orders", order), "/assignments/", id);
          if (auto it = accepted.find(name); it != accepted.end()) f.accept_time = it->second;
          auto at = index.find({exchange, order});
          if (at != index.end()) records[at->second].offers.push_back(f);
          return 0;
        });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return records;
}

absl::StatusOr<std::vector<std::string>> ReportStore::ActiveTrainedExperts(
    const std::string& exchange_id) {
  std::vector<std::string> keys;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    std::string query =
        "SELECT exchange_id, id FROM experts WHERE state = 'ACTIVE' AND trainings <> '[]'";
    Record values;
    if (!exchange_id.empty()) {
      absl::StrAppend(&query, " AND exchange_id = :exchange_id");
      values.push_back(exchange_id);
    }
    keys = Query<std::string>(sql, query, std::move(values), [](const soci::row& row) {
      RowReader r(row);
      std::string exchange = r.Text();
      return absl::StrCat(exchange, "/", r.Text());
    });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return keys;
}

absl::StatusOr<std::pair<std::string, std::string>> ReportStore::ExchangeNameAndLanguage(
    const std::string& exchange_id) {
  std::vector<std::pair<std::string, std::string>> rows;
  absl::Status status = db_.Read([&](soci::session& sql) {
    rows = Query<std::pair<std::string, std::string>>(
        sql, "SELECT display_name, default_language FROM exchanges WHERE id = :id", {exchange_id},
        [](const soci::row& row) {
      RowReader r(row);
      std::string name = r.Text();
      return std::pair<std::string, std::string>(std::move(name), r.Text());
        });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (rows.empty()) {
    return absl::NotFoundError(absl::StrCat("exchanges/", exchange_id, " not found"));
  }
  return rows.front();
}

absl::StatusOr<PayrollParties> ReportStore::Payroll(const std::string& exchange_id) {
  PayrollParties out;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    auto payers = Query<domain::Payer>(
        sql, "SELECT id, display_name, business_id, pay_rule FROM exchanges WHERE id = :id",
        {exchange_id}, [](const soci::row& row) {
          RowReader r(row);
          domain::Payer p;
          p.exchange_id = r.Text();
          p.name = r.Text();
          p.business_id = r.Text();
          p.pay_rule = PayRuleFrom(r.JsonValue());
          return p;
        });
    if (payers.empty()) {
      return absl::NotFoundError(absl::StrCat("exchanges/", exchange_id, " not found"));
    }
    out.payer = payers.front();
    absl::Status opened;
    Query<int>(
        sql,
        "SELECT id, display_name, payment_method, withholding_permille, identity_code_sealed "
        "FROM experts WHERE exchange_id = :exchange_id",
        {exchange_id}, [&](const soci::row& row) {
          RowReader r(row);
          const std::string id = r.Text();
          domain::Payee& p = out.payees[id];
          p.display_name = r.Text();
          p.payment_method = r.Enum<domain::PaymentMethod>();
          p.withholding_permille = static_cast<int>(r.Int());
          const std::string sealed = r.Text();
          if (!sealed.empty() && opened.ok()) {
            auto code = OpenIdentityCode(
                db_.identity_key(), sealed, domain::ChildResourceName(exchange_id, "experts", id));
            if (code.ok()) {
              p.identity_code = *std::move(code);
            } else {
              opened = code.status();
            }
          }
          return 0;
        });
    return opened;
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace kokemus::storage
