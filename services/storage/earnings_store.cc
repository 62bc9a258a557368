#include "services/storage/earnings_store.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/domain/enum_names.h"
#include "services/domain/listing.h"
#include "services/reference/calendar.h"

namespace kokemus::storage {
namespace {

constexpr char kSelectFloors[] =
    "SELECT valid_from, monthly_cents, source FROM earnings_floors ORDER BY valid_from";
constexpr char kSelectFloorVersion[] =
    "SELECT revision, update_time FROM earnings_floor_versions WHERE id = 1";
constexpr char kDeleteFloors[] = "DELETE FROM earnings_floors";
constexpr char kInsertFloor[] =
    "INSERT INTO earnings_floors (valid_from, monthly_cents, source) VALUES (:v, :c, :s)";
constexpr char kInsertFloorVersion[] =
    "INSERT INTO earnings_floor_versions (id, revision, update_time) VALUES (1, :r, :t)";
constexpr char kUpdateFloorVersion[] =
    "UPDATE earnings_floor_versions SET revision = :r, update_time = :t WHERE id = 1 AND "
    "revision = :expected";
constexpr char kSelectPayRule[] = "SELECT pay_rule FROM exchanges WHERE id = :id";
constexpr char kSelectPaidTasks[] =
    "SELECT start_time, fee_cents, state FROM assignments WHERE exchange_id = :x AND "
    "expert_id = :e AND state IN ('ACCEPTED', 'CONFIRMED', 'COMPLETED') AND start_time >= :f "
    "AND start_time < :t ORDER BY start_time";
constexpr char kSelectPlannedTasks[] =
    "SELECT a.start_time, a.end_time, o.role, a.fee_cents FROM assignments a JOIN orders o ON "
    "o.exchange_id = a.exchange_id AND o.id = a.order_id WHERE a.exchange_id = :x AND "
    "a.expert_id = :e AND a.state IN ('ACCEPTED', 'CONFIRMED') AND a.start_time >= :f "
    "ORDER BY a.start_time";
constexpr char kSelectLimitTerms[] =
    "SELECT monthly_earnings_limit_cents, benefit_limit FROM experts WHERE exchange_id = :x AND "
    "id = :id";

std::string DayText(absl::CivilDay d) { return absl::FormatCivilTime(d); }

absl::CivilDay DayFrom(const std::string& text) {
  absl::CivilDay d;
  (void)absl::ParseCivilTime(text, &d);
  return d;
}

}  // namespace

Json PayRuleJson(const domain::PayRule& rule) {
  return {
      {"kind", std::string(domain::EnumName(rule.kind))},
      {"day_of_month", rule.day_of_month},
      {"days_after", rule.days_after}};
}

domain::PayRule PayRuleFrom(const Json& json) {
  domain::PayRule rule;
  rule.kind = domain::ParseEnum<domain::PayRuleKind>(json.value("kind", ""))
                  .value_or(domain::PayRuleKind::kDayOfFollowingMonth);
  rule.day_of_month = json.value("day_of_month", rule.day_of_month);
  rule.days_after = json.value("days_after", rule.days_after);
  return rule;
}

Json BenefitLimitJson(const domain::BenefitLimit& limit) {
  return {
      {"kind", std::string(domain::EnumName(limit.kind))},
      {"earlier_monthly_income_cents", limit.earlier_monthly_income_cents},
      {"earlier_income_percent", limit.earlier_income_percent},
      {"yearly_limit_cents", limit.yearly_limit_cents}};
}

domain::BenefitLimit BenefitLimitFrom(const Json& json) {
  domain::BenefitLimit limit;
  limit.kind = domain::ParseEnum<domain::BenefitLimitKind>(json.value("kind", ""))
                   .value_or(domain::BenefitLimitKind::kUnspecified);
  limit.earlier_monthly_income_cents = json.value("earlier_monthly_income_cents", int64_t{0});
  limit.earlier_income_percent = json.value("earlier_income_percent", 0);
  limit.yearly_limit_cents = json.value("yearly_limit_cents", int64_t{0});
  return limit;
}

EarningsFloorTable EarningsFloorsIn(soci::session& sql) {
  EarningsFloorTable table;
  Query<int>(sql, kSelectFloorVersion, {}, [&](const soci::row& row) {
    RowReader r(row);
    table.revision = r.Int();
    table.update_time = r.Time();
    return 0;
  });
  if (table.revision == 0) {
    table.floors = domain::KnownEarningsFloors();
    return table;
  }
  table.floors = Query<domain::EarningsFloor>(sql, kSelectFloors, {}, [](const soci::row& row) {
    RowReader r(row);
    domain::EarningsFloor f;
    f.valid_from = DayFrom(r.Text());
    f.monthly_cents = r.Int();
    f.source = r.Text();
    return f;
  });
  return table;
}

absl::StatusOr<domain::EarningsRules> EarningsRulesIn(
    soci::session& sql, const std::string& exchange_id) {
  auto rules = Query<std::string>(sql, kSelectPayRule, {exchange_id}, [](const soci::row& row) {
    return RowReader(row).Text();
  });
  if (rules.empty()) {
    return absl::NotFoundError(absl::StrCat(domain::ExchangeName(exchange_id), " not found"));
  }
  domain::EarningsRules out;
  out.pay_rule = PayRuleFrom(Json::parse(rules.front()));
  out.floors = EarningsFloorsIn(sql).floors;
  return out;
}

std::vector<domain::PaidTask> PaidTasksIn(
    soci::session& sql, const std::string& exchange_id, const std::string& expert_id,
    absl::Time from, absl::Time to) {
  return Query<domain::PaidTask>(
      sql, kSelectPaidTasks, {exchange_id, expert_id, Micros(from), Micros(to)},
      [](const soci::row& row) {
    RowReader r(row);
    domain::PaidTask t;
    t.start_time = r.Time();
    t.fee_cents = r.Int();
    t.completed = r.Text() == "COMPLETED";
    return t;
      });
}

absl::StatusOr<EarningsFloorTable> EarningsStore::GetFloors() {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<EarningsFloorTable> {
    return EarningsFloorsIn(sql);
  });
}

absl::StatusOr<EarningsFloorTable> EarningsStore::UpdateFloors(
    int64_t expected_revision,
    const std::function<absl::StatusOr<std::vector<domain::EarningsFloor>>(
        const std::vector<domain::EarningsFloor>&)>& change) {
  EarningsFloorTable table;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    const EarningsFloorTable current = EarningsFloorsIn(sql);
    const absl::Status changed_elsewhere =
        absl::AbortedError("earningsFloors was changed by another request; read it again");
    if (expected_revision >= 0 && expected_revision != current.revision) return changed_elsewhere;
    auto floors = change(current.floors);
    if (!floors.ok()) return floors.status();
    const absl::Time now = db_.Now();
    table.floors = *std::move(floors);
    table.revision = current.revision + 1;
    table.update_time = now;
    if (current.revision == 0) {
      Execute(sql, kInsertFloorVersion, {table.revision, Micros(now)});
    } else if (
        Execute(sql, kUpdateFloorVersion, {table.revision, Micros(now), current.revision}) != 1) {
      return changed_elsewhere;
    }
    Execute(sql, kDeleteFloors, {});
    for (const domain::EarningsFloor& f : table.floors) {
      Execute(sql, kInsertFloor, {DayText(f.valid_from), f.monthly_cents, f.source});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return table;
}

absl::StatusOr<domain::YearPay> EarningsStore::PayOfYear(
    const std::string& exchange_id, const std::string& expert_id, int year) {
  const absl::CivilDay today = absl::ToCivilDay(db_.clock().Now(), reference::HelsinkiTimeZone());
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<domain::YearPay> {
    auto rules = EarningsRulesIn(sql, exchange_id);
    if (!rules.ok()) return rules.status();
    auto terms = Query<domain::LimitTerms>(
        sql, kSelectLimitTerms, {exchange_id, expert_id}, [](const soci::row& row) {
          RowReader r(row);
          domain::LimitTerms t;
          t.monthly_cents = r.Int();
          t.benefit = BenefitLimitFrom(r.JsonValue());
          return t;
        });
    if (terms.empty()) {
      return absl::NotFoundError(
          absl::StrCat(domain::ChildResourceName(exchange_id, "experts", expert_id), " not found"));
    }
    const domain::TaskStarts starts =
        domain::TasksPaidBetween(absl::CivilDay(year, 1, 1), absl::CivilDay(year + 1, 1, 1));
    const std::vector<domain::PaidTask> held =
        PaidTasksIn(sql, exchange_id, expert_id, starts.from, starts.to);
    return domain::PayOfYear(terms.front(), *rules, held, year, today);
  });
}

absl::StatusOr<std::vector<domain::PlannedTask>> EarningsStore::PlannedTasks(
    const std::string& exchange_id, const std::string& expert_id, absl::Time from) {
  std::vector<domain::PlannedTask> out;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    out = Query<domain::PlannedTask>(
        sql, kSelectPlannedTasks, {exchange_id, expert_id, Micros(from)}, [](const soci::row& row) {
          RowReader r(row);
          domain::PlannedTask t;
          t.start_time = r.Time();
          t.minutes = static_cast<int>((r.Time() - t.start_time) / absl::Minutes(1));
          t.role = r.Enum<domain::Role>();
          t.fee_cents = r.Int();
          return t;
        });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace kokemus::storage
