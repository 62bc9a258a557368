#include "services/storage/matching_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/offer_rounds.h"
#include "services/storage/earnings_store.h"
#include "services/storage/order_rows.h"
#include "services/storage/registry_store.h"
#include "services/storage/sql.h"

namespace kokemus::storage {
namespace {

constexpr char kSelectVersion[] =
    "SELECT version FROM matching_versions WHERE exchange_id = :exchange_id";
constexpr char kSelectSettings[] =
    "SELECT settings, revision, update_time FROM matching_settings WHERE exchange_id = "
    ":exchange_id";
constexpr char kSelectExchangeRules[] =
    "SELECT travel_buffer_minutes, credential_requirements FROM exchanges WHERE id = :id";
constexpr char kSelectOrdererKinds[] =
    "SELECT id, kind FROM organizations WHERE exchange_id = :exchange_id";
constexpr char kInsertSettings[] =
    "INSERT INTO matching_settings (exchange_id, settings, revision, create_time, "
    "update_time) VALUES (:exchange_id, :settings, :revision, :create_time, :update_time)";
constexpr char kUpdateSettings[] =
    "UPDATE matching_settings SET settings = :settings, revision = :revision, update_time = "
    ":update_time WHERE exchange_id = :exchange_id AND revision = :expected";

std::string SettingsName(const std::string& exchange_id) {
  return absl::StrCat(domain::ExchangeName(exchange_id), "/matchingSettings");
}

Json SettingsDocument(const domain::MatchingSettings& s) {
  return {
      {"weights",
       {{"experience", s.weight_experience},
        {"role", s.weight_role},
        {"travel", s.weight_travel},
        {"fairness", s.weight_fairness},
        {"preferred", s.weight_preferred},
        {"feedback", s.weight_feedback}}},
      {"rest_after_heavy_hours", absl::ToInt64Hours(s.rest_after_heavy)},
      {"offer_rounds",
       {{"strategy", std::string(domain::EnumName(s.offer_strategy))},
        {"round_size", s.round_size},
        {"tier_interval_minutes", absl::ToInt64Minutes(s.tier_interval)},
        {"answer_window_minutes", absl::ToInt64Minutes(s.answer_window)}}}};
}

void ReadSettingsDocument(const Json& j, domain::MatchingSettings& s) {
  const Json& w = j.at("weights");
  s.weight_experience = w.at("experience").get<double>();
  s.weight_role = w.at("role").get<double>();
  s.weight_travel = w.at("travel").get<double>();
  s.weight_fairness = w.at("fairness").get<double>();
  s.weight_preferred = w.at("preferred").get<double>();
  s.weight_feedback = w.at("feedback").get<double>();
  s.rest_after_heavy = absl::Hours(j.at("rest_after_heavy_hours").get<int64_t>());
  // Settings stored before the rounds' defaults existed have none.
  if (auto r = j.find("offer_rounds"); r != j.end()) {
    s.offer_strategy =
        domain::ParseEnum<domain::OfferStrategy>(r->at("strategy").get<std::string>())
            .value_or(domain::OfferStrategy::kTargeted);
    s.round_size = r->at("round_size").get<int>();
    s.tier_interval = absl::Minutes(r->at("tier_interval_minutes").get<int64_t>());
    s.answer_window = absl::Minutes(r->at("answer_window_minutes").get<int64_t>());
  }
}

}  // namespace

absl::StatusOr<domain::MatchingSettings> MatchingSettingsIn(
    soci::session& sql, const std::string& exchange_id) {
  domain::MatchingSettings settings;
  bool found = false;
  Query<int>(sql, kSelectExchangeRules, {exchange_id}, [&](const soci::row& row) {
    RowReader r(row);
    settings.travel_buffer = absl::Minutes(r.Int());
    settings.credential_requirements = CredentialRequirementsFrom(r.JsonValue());
    found = true;
    return 0;
  });
  if (!found) {
    return absl::NotFoundError(absl::StrCat(domain::ExchangeName(exchange_id), " not found"));
  }
  auto earnings = EarningsRulesIn(sql, exchange_id);
  if (!earnings.ok()) return earnings.status();
  settings.earnings = *std::move(earnings);
  Query<int>(sql, kSelectSettings, {exchange_id}, [&](const soci::row& row) {
    RowReader r(row);
    ReadSettingsDocument(r.JsonValue(), settings);
    settings.revision = r.Int();
    settings.update_time = r.Time();
    return 0;
  });
  return settings;
}

absl::StatusOr<domain::MatchingSettings> MatchingStore::GetSettings(
    const std::string& exchange_id) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<domain::MatchingSettings> {
    return MatchingSettingsIn(sql, exchange_id);
  });
}

absl::StatusOr<domain::MatchingSettings> MatchingStore::UpdateSettings(
    const std::string& exchange_id, domain::MatchingSettings settings, int64_t expected_revision) {
  return UpdateSettings(
      exchange_id, expected_revision,
      [&](const domain::MatchingSettings&) -> absl::StatusOr<domain::MatchingSettings> {
        return settings;
      });
}

absl::StatusOr<domain::MatchingSettings> MatchingStore::UpdateSettings(
    const std::string& exchange_id, int64_t expected_revision,
    const std::function<absl::StatusOr<domain::MatchingSettings>(const domain::MatchingSettings&)>&
        change) {
  domain::MatchingSettings settings;
  absl::Status status = db_.Write([&](soci::session& sql) -> absl::Status {
    auto stored = MatchingSettingsIn(sql, exchange_id);
    if (!stored.ok()) return stored.status();
    if (expected_revision >= 0 && expected_revision != stored->revision) {
      return absl::AbortedError(absl::StrCat(
          SettingsName(exchange_id), " was changed by another request; read it again"));
    }
    auto changed = change(*stored);
    if (!changed.ok()) return changed.status();
    settings = *std::move(changed);
    const absl::Time now = db_.Now();
    settings.travel_buffer = stored->travel_buffer;
    settings.earnings = stored->earnings;
    settings.credential_requirements = stored->credential_requirements;
    settings.revision = stored->revision + 1;
    settings.update_time = now;
    const std::string document = SettingsDocument(settings).dump();
    if (stored->revision == 0) {
      Execute(
          sql, kInsertSettings,
          {exchange_id, document, settings.revision, Micros(now), Micros(now)});
    } else if (
        Execute(
            sql, kUpdateSettings,
            {document, settings.revision, Micros(now), exchange_id, stored->revision}) != 1) {
      return absl::AbortedError(absl::StrCat(
          SettingsName(exchange_id), " was changed by another request; read it again"));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return settings;
}

absl::StatusOr<int64_t> MatchingStore::Version(const std::string& exchange_id) {
  int64_t version = 0;
  absl::Status status = db_.Read([&](soci::session& sql) {
    auto rows = Query<long long>(sql, kSelectVersion, {exchange_id}, [](const soci::row& row) {
      return RowReader(row).Int();
    });
    if (!rows.empty()) version = rows.front();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return version;
}

absl::StatusOr<std::shared_ptr<const MatchingData>> MatchingStore::Load(
    const std::string& exchange_id, int64_t version) {
  auto data = std::make_shared<MatchingData>();
  // The counter is read before the data: a change in between makes the next
  // call load again, never keeps stale data.
  data->version = version;
  auto settings = GetSettings(exchange_id);
  if (!settings.ok()) return settings.status();
  data->settings = *settings;
  if (absl::Status s = db_.Read([&](soci::session& sql) {
        Query<int>(sql, kSelectOrdererKinds, {exchange_id}, [&](const soci::row& row) {
          RowReader r(row);
          std::string id = r.Text();
          data->settings.orderer_kinds[id] =
              domain::ParseEnum<domain::OrganizationKind>(r.Text()).value_or(
                  domain::OrganizationKind::kUnspecified);
          return 0;
        });
        return absl::OkStatus();
      });
      !s.ok()) {
    return s;
  }
  auto schedule = fees_.GetFeeSchedule(exchange_id);
  if (!schedule.ok()) return schedule.status();
  data->schedule = *std::move(schedule);
  auto query = domain::ParseListQuery(
      domain::ExchangeName(exchange_id), "experts", domain::kMaxPageSize, "", "", {});
  if (!query.ok()) return query.status();
  while (true) {
    auto page = registry_.List<domain::Expert>(*query);
    if (!page.ok()) return page.status();
    for (auto& e : page->items) data->experts.push_back({std::move(e), {}});
    if (page->next_page_token.empty()) break;
    query = domain::ParseListQuery(
        query->scope, "experts", domain::kMaxPageSize, page->next_page_token, "", {});
    if (!query.ok()) return query.status();
  }
  if (absl::Status s = FillActivity(exchange_id, data->experts); !s.ok()) return s;
  domain::SortTasks(data->experts);
  data->index = domain::IndexExperts(data->experts);
  auto upcoming = orders_.OrdersFrom(exchange_id, db_.Now() - absl::Hours(24));
  if (!upcoming.ok()) return upcoming.status();
  for (domain::Order& o : *upcoming) data->upcoming_orders.emplace(o.id, std::move(o));
  return std::shared_ptr<const MatchingData>(std::move(data));
}

std::shared_ptr<MatchingStore::Entry> MatchingStore::EntryOf(const std::string& exchange_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<Entry>& slot = cache_[exchange_id];
  if (slot == nullptr) slot = std::make_shared<Entry>();
  return slot;
}

absl::StatusOr<std::shared_ptr<const MatchingData>> MatchingStore::RecentData(
    const std::string& exchange_id) {
  std::shared_ptr<Entry> entry = EntryOf(exchange_id);
  {
    std::lock_guard<std::mutex> loading(entry->loading);
    if (entry->data != nullptr && entry->writes_at_check == db_.committed_writes() &&
        absl::Now() - entry->checked < kMatchingRecheck) {
      return entry->data;
    }
  }
  return Data(exchange_id);
}

absl::StatusOr<std::shared_ptr<const MatchingData>> MatchingStore::Data(
    const std::string& exchange_id) {
  // Read before the counter: a write committed after it makes the next call check.
  const uint64_t writes = db_.committed_writes();
  const absl::Time now = absl::Now();  // cache age: real time, whatever the clock
  auto version = Version(exchange_id);
  if (!version.ok()) return version.status();
  std::shared_ptr<Entry> entry = EntryOf(exchange_id);
  std::lock_guard<std::mutex> loading(entry->loading);
  if (entry->data == nullptr || entry->data->version != *version) {
    auto data = Load(exchange_id, *version);
    if (!data.ok()) {
      if (absl::IsNotFound(data.status()) && entry->data == nullptr) {
        std::lock_guard<std::mutex> lock(mu_);
        cache_.erase(exchange_id);  // no entries for exchanges that don't exist
      }
      return data.status();
    }
    entry->data = *data;
  }
  entry->checked = now;
  entry->writes_at_check = writes;
  return entry->data;
}

absl::StatusOr<std::shared_ptr<const MatchingData>> MatchingStore::Data(
    const std::string& exchange_id, int64_t version) {
  std::shared_ptr<Entry> entry = EntryOf(exchange_id);
  std::lock_guard<std::mutex> loading(entry->loading);
  if (entry->data != nullptr && entry->data->version == version) return entry->data;
  auto data = Load(exchange_id, version);
  if (!data.ok()) return data.status();
  entry->data = *data;
  return entry->data;
}

// --- The read model of orders and assignments ---------------------------------

using namespace order_rows;  // NOLINT: the order and assignment rows it reads

absl::StatusOr<std::vector<OpenOrder>> MatchingStore::OpenOrders(
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
      if (!domain::StandsBy(state) && !domain::HoldsTime(state)) continue;
      OpenOrder& open = result[it->second];
      --open.open_places;
      open.engaged_experts.push_back(a.expert_id);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return result;
}

absl::Status MatchingStore::FillActivity(
    const std::string& exchange_id, std::vector<domain::ExpertRecord>& experts) {
  static constexpr char kActivity[] =
      "SELECT a.expert_id, a.state, a.start_time, a.end_time, a.fee_cents, o.role, "
      "o.organization_id, COALESCE(f.overall_rating, 0) FROM assignments a JOIN orders o ON "
      "o.exchange_id = a.exchange_id AND o.id = a.order_id LEFT JOIN feedback f ON "
      "f.exchange_id = a.exchange_id AND f.order_id = a.order_id AND f.assignment_id = a.id "
      "AND f.source = 'ORDERER' WHERE a.exchange_id = :exchange_id AND a.state IN "
      "('ACCEPTED', 'CONFIRMED', 'COMPLETED')";
  static constexpr char kAnswers[] =
      "SELECT expert_id, order_id, state, cancelled_by FROM assignments WHERE exchange_id = "
      ":exchange_id AND state IN ('DECLINED', 'CANCELLED')";
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
    // The orders each said no to (domain::SaidNo decides which answers count).
    soci::details::prepare_temp_type answers = (sql.prepare << kAnswers);
    Record answer_values = {exchange_id};
    Bind(answers, answer_values);
    soci::rowset<soci::row> answer_rows(answers);
    for (const soci::row& row : answer_rows) {
      RowReader r(row);
      auto it = by_id.find(r.Text());
      if (it == by_id.end()) continue;
      Assignment a;
      a.order_id = r.Text();
      a.state = r.Enum<AssignmentState>();
      a.cancelled_by = r.Enum<domain::CancelledBy>();
      if (domain::SaidNo(a)) it->second->said_no_orders.push_back(std::move(a.order_id));
    }
    return absl::OkStatus();
  });
}

}  // namespace kokemus::storage
