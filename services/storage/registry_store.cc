#include "services/storage/registry_store.h"

#include <string_view>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "services/domain/contract.h"
#include "services/domain/enum_names.h"
#include "services/domain/validation.h"
#include "services/storage/earnings_store.h"
#include "services/storage/sealed.h"
#include "services/storage/sql.h"
#include "soci/soci.h"

namespace kokemus::storage {
namespace {

using domain::Exchange;
using domain::Expert;
using domain::Organization;

// ---------------------------------------------------------------------------
// SQL. Columns are always listed in the same order: the key, the data columns
// of TableOf<T>::Data, then revision, create_time, update_time.

constexpr char kExchangeColumns[] =
    "id, display_name, wellbeing_region, default_language, business_id, "
    "contact_email, travel_buffer_minutes, retention_months, postal_address, "
    "data_protection_officer, contact_name, contact_phone, pay_rule, privacy_notice_time, "
    "credential_requirements, revision, create_time, update_time";
constexpr char kInsertExchange[] =
    "INSERT INTO exchanges (id, display_name, wellbeing_region, "
    "default_language, business_id, contact_email, travel_buffer_minutes, "
    "retention_months, postal_address, data_protection_officer, contact_name, contact_phone, "
    "pay_rule, privacy_notice_time, credential_requirements, revision, create_time, "
    "update_time) VALUES (:id, "
    ":display_name, :wellbeing_region, :default_language, :business_id, :contact_email, "
    ":travel_buffer_minutes, :retention_months, :postal_address, :data_protection_officer, "
    ":contact_name, :contact_phone, :pay_rule, :privacy_notice_time, :credential_requirements, "
    ":revision, :create_time, :update_time)";
constexpr char kUpdateExchange[] =
    "UPDATE exchanges SET display_name = :display_name, wellbeing_region = "
    ":wellbeing_region, default_language = :default_language, business_id = "
    ":business_id, contact_email = :contact_email, travel_buffer_minutes = "
    ":travel_buffer_minutes, retention_months = :retention_months, postal_address = "
    ":postal_address, data_protection_officer = :data_protection_officer, contact_name = "
    ":contact_name, contact_phone = :contact_phone, pay_rule = :pay_rule, privacy_notice_time = "
    ":privacy_notice_time, credential_requirements = :credential_requirements, revision = "
    ":revision, update_time = :update_time WHERE id = :id AND revision = :expected";

constexpr char kExpertColumns[] =
    "exchange_id, id, display_name, email, phone, home_municipality, "
    "languages, experience_areas, roles, trainings, service_municipalities, "
    "max_travel_km, remote_ok, weekly_availability, unavailable_periods, "
    "max_assignments_per_month, monthly_earnings_limit_cents, payment_method, "
    "state, consent_time, consent_notice_version, preferred_language, notification_channel, "
    "essential_messages_only, benefit_limit, withholding_permille, identity_code_sealed, "
    "extract_seen_date, extract_seen_by, revision, create_time, update_time";
constexpr char kInsertExpert[] =
    "INSERT INTO experts (exchange_id, id, display_name, email, phone, "
    "home_municipality, languages, experience_areas, roles, trainings, "
    "service_municipalities, max_travel_km, remote_ok, weekly_availability, "
    "unavailable_periods, max_assignments_per_month, "
    "monthly_earnings_limit_cents, payment_method, state, consent_time, "
    "consent_notice_version, preferred_language, notification_channel, "
    "essential_messages_only, benefit_limit, withholding_permille, identity_code_sealed, "
    "extract_seen_date, extract_seen_by, revision, create_time, update_time) VALUES "
    "(:exchange_id, :id, :display_name, :email, :phone, :home_municipality, "
    ":languages, :experience_areas, :roles, :trainings, "
    ":service_municipalities, :max_travel_km, :remote_ok, "
    ":weekly_availability, :unavailable_periods, :max_assignments_per_month, "
    ":monthly_earnings_limit_cents, :payment_method, :state, :consent_time, "
    ":consent_notice_version, :preferred_language, :notification_channel, "
    ":essential_messages_only, :benefit_limit, :withholding_permille, :identity_code_sealed, "
    ":extract_seen_date, :extract_seen_by, :revision, :create_time, :update_time)";
constexpr char kUpdateExpert[] =
    "UPDATE experts SET display_name = :display_name, email = :email, phone = "
    ":phone, home_municipality = :home_municipality, languages = :languages, "
    "experience_areas = :experience_areas, roles = :roles, trainings = "
    ":trainings, service_municipalities = :service_municipalities, "
    "max_travel_km = :max_travel_km, remote_ok = :remote_ok, "
    "weekly_availability = :weekly_availability, unavailable_periods = "
    ":unavailable_periods, max_assignments_per_month = "
    ":max_assignments_per_month, monthly_earnings_limit_cents = "
    ":monthly_earnings_limit_cents, payment_method = :payment_method, state = "
    ":state, consent_time = :consent_time, consent_notice_version = "
    ":consent_notice_version, preferred_language = :preferred_language, "
    "notification_channel = :notification_channel, essential_messages_only = "
    ":essential_messages_only, benefit_limit = :benefit_limit, withholding_permille = "
    ":withholding_permille, identity_code_sealed = :identity_code_sealed, extract_seen_date = "
    ":extract_seen_date, extract_seen_by = :extract_seen_by, revision = :revision, "
    "update_time = "
    ":update_time WHERE exchange_id = :exchange_id AND id = :id AND revision "
    "= :expected";

constexpr char kOrganizationColumns[] =
    "exchange_id, id, display_name, business_id, sector, kind, municipality, "
    "contact_name, contact_email, contact_phone, state, revision, create_time, "
    "update_time";
constexpr char kInsertOrganization[] =
    "INSERT INTO organizations (exchange_id, id, display_name, business_id, "
    "sector, kind, municipality, contact_name, contact_email, contact_phone, "
    "state, revision, create_time, update_time) VALUES (:exchange_id, :id, "
    ":display_name, :business_id, :sector, :kind, :municipality, "
    ":contact_name, :contact_email, :contact_phone, :state, :revision, "
    ":create_time, :update_time)";
constexpr char kUpdateOrganization[] =
    "UPDATE organizations SET display_name = :display_name, business_id = "
    ":business_id, sector = :sector, kind = :kind, municipality = "
    ":municipality, contact_name = :contact_name, contact_email = "
    ":contact_email, contact_phone = :contact_phone, state = :state, revision = :revision, "
    "update_time = :update_time WHERE exchange_id = :exchange_id AND id = :id "
    "AND revision = :expected";

template <typename E>
Json EnumList(const std::vector<E>& values) {
  Json out = Json::array();
  for (E v : values) out.push_back(std::string(domain::EnumName(v)));
  return out;
}

template <typename E>
E EnumFrom(const std::string& name) {
  return domain::ParseEnum<E>(name).value_or(E::kUnspecified);
}

template <typename E>
std::vector<E> EnumListFrom(const Json& json) {
  std::vector<E> out;
  for (const auto& v : json) out.push_back(EnumFrom<E>(v.get<std::string>()));
  return out;
}

}  // namespace

Json CredentialRequirementsJson(const std::vector<domain::CredentialRequirement>& requirements) {
  Json out = Json::array();
  for (const domain::CredentialRequirement& r : requirements) {
    out.push_back(
        {{"kind", std::string(domain::EnumName(r.kind))},
         {"course", std::string(domain::EnumName(r.course))},
         {"roles", EnumList(r.roles)},
         {"orderer_kinds", EnumList(r.orderer_kinds)},
         {"max_age_months", r.max_age_months}});
  }
  return out;
}

std::vector<domain::CredentialRequirement> CredentialRequirementsFrom(const Json& json) {
  std::vector<domain::CredentialRequirement> out;
  for (const Json& j : json) {
    domain::CredentialRequirement r;
    r.kind = EnumFrom<domain::CredentialKind>(j.at("kind").get<std::string>());
    r.course = EnumFrom<domain::CourseKind>(j.at("course").get<std::string>());
    r.roles = EnumListFrom<domain::Role>(j.at("roles"));
    r.orderer_kinds = EnumListFrom<domain::OrganizationKind>(j.at("orderer_kinds"));
    r.max_age_months = j.at("max_age_months").get<int>();
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// ---------------------------------------------------------------------------
// Per-resource tables.

// The filters each list takes (ListExchanges, ListExperts, ListOrganizations).
constexpr FilterSql kExchangeFilters[] = {
    {"wellbeing_region", "=", "", "wellbeing_region = :v"},
};
constexpr FilterSql kExpertFilters[] = {
    {"state", "=", "", "state = :v"},
    {"home_municipality", "=", "", "home_municipality = :v"},
    {"payment_method", "=", "", "payment_method = :v"},
};
constexpr FilterSql kOrganizationFilters[] = {
    {"sector", "=", "", "sector = :v"},
    {"kind", "=", "", "kind = :v"},
    {"municipality", "=", "", "municipality = :v"},
    {"state", "=", "", "state = :v"},
};
constexpr char kExchangesAfter[] = "id > :after_id";
constexpr char kInExchangeAfter[] = "exchange_id = :exchange_id AND id > :after_id";
constexpr char kPageById[] = " ORDER BY id LIMIT :limit";

template <typename T>
struct TableOf;

template <>
struct TableOf<Exchange> {
  static constexpr absl::string_view kCollection = "exchanges";
  static constexpr absl::string_view kTable = "exchanges";
  static constexpr const char* kColumns = kExchangeColumns;
  static constexpr const char* kInsert = kInsertExchange;
  static constexpr const char* kUpdate = kUpdateExchange;
  static constexpr absl::Span<const FilterSql> kFilters = kExchangeFilters;
  static Key KeyOf(const Exchange& e) { return {"", e.id}; }
  static domain::Meta& MetaOf(Exchange& e) { return e.meta; }
  static Record Data(const Exchange& e) {
    return {
        e.display_name,
        e.wellbeing_region,
        e.default_language,
        e.business_id,
        e.contact_email,
        static_cast<long long>(e.travel_buffer_minutes),
        static_cast<long long>(e.retention_months),
        e.postal_address,
        e.data_protection_officer,
        e.contact_name,
        e.contact_phone,
        PayRuleJson(e.pay_rule).dump(),
        Micros(e.privacy_notice_time),
        CredentialRequirementsJson(e.credential_requirements).dump()};
  }
  // What the row keeps of itself beyond the request: when the privacy notice's
  // content last changed.
  static void Stamp(const Exchange* before, Exchange& after, absl::Time now) {
    if (before == nullptr || domain::ChangesPrivacyNotice(*before, after)) {
      after.privacy_notice_time = now;
    } else {
      after.privacy_notice_time = before->privacy_notice_time;
    }
  }
  static Exchange Read(RowReader& r) {
    Exchange e;
    e.id = r.Text();
    e.display_name = r.Text();
    e.wellbeing_region = r.Text();
    e.default_language = r.Text();
    e.business_id = r.Text();
    e.contact_email = r.Text();
    e.travel_buffer_minutes = static_cast<int>(r.Int());
    e.retention_months = static_cast<int>(r.Int());
    e.postal_address = r.Text();
    e.data_protection_officer = r.Text();
    e.contact_name = r.Text();
    e.contact_phone = r.Text();
    e.pay_rule = PayRuleFrom(r.JsonValue());
    const long long notice = r.Int();
    e.privacy_notice_time = notice == 0 ? absl::InfinitePast() : absl::FromUnixMicros(notice);
    e.credential_requirements = CredentialRequirementsFrom(r.JsonValue());
    return e;
  }
};

template <>
struct TableOf<Expert> {
  static constexpr absl::string_view kCollection = "experts";
  static constexpr absl::string_view kTable = "experts";
  static constexpr const char* kColumns = kExpertColumns;
  static constexpr const char* kInsert = kInsertExpert;
  static constexpr const char* kUpdate = kUpdateExpert;
  static constexpr absl::Span<const FilterSql> kFilters = kExpertFilters;
  static Key KeyOf(const Expert& e) { return {e.exchange_id, e.id}; }
  static domain::Meta& MetaOf(Expert& e) { return e.meta; }
  static Record Data(const Expert& e) {
    Json trainings = Json::array();
    for (const auto& t : e.trainings) {
      Json training = {
          {"provider", t.provider}, {"title", t.title}, {"completion_date", t.completion_date}};
      if (t.kind != domain::CourseKind::kUnspecified) {
        training["kind"] = std::string(domain::EnumName(t.kind));
      }
      if (!t.valid_until.empty()) training["valid_until"] = t.valid_until;
      if (!t.course.empty()) training["course"] = t.course;
      trainings.push_back(std::move(training));
    }
    Json windows = Json::array();
    for (const auto& w : e.weekly_availability) {
      windows.push_back(
          {{"day", std::string(domain::EnumName(w.day))},
           {"start_minute", w.start_minute},
           {"end_minute", w.end_minute}});
    }
    Json periods = Json::array();
    for (const auto& p : e.unavailable_periods) {
      periods.push_back({{"start_time", Micros(p.start_time)}, {"end_time", Micros(p.end_time)}});
    }
    return {
        e.display_name,
        e.email,
        e.phone,
        e.home_municipality,
        Json(e.languages).dump(),
        EnumList(e.experience_areas).dump(),
        EnumList(e.roles).dump(),
        trainings.dump(),
        Json(e.service_municipalities).dump(),
        static_cast<long long>(e.max_travel_km),
        static_cast<long long>(e.remote_ok ? 1 : 0),
        windows.dump(),
        periods.dump(),
        static_cast<long long>(e.max_assignments_per_month),
        static_cast<long long>(e.monthly_earnings_limit_cents),
        std::string(domain::EnumName(e.payment_method)),
        std::string(domain::EnumName(e.state)),
        Micros(e.consent.given_time),
        e.consent.notice_version,
        e.preferred_language,
        std::string(domain::EnumName(
            e.notification_channel == domain::NotificationChannel::kUnspecified
                ? domain::NotificationChannel::kEmail
                : e.notification_channel)),
        static_cast<long long>(e.essential_messages_only ? 1 : 0),
        BenefitLimitJson(e.benefit_limit).dump(),
        static_cast<long long>(e.payroll.withholding_permille),
        e.payroll.identity_code_sealed,
        e.record_extract.seen_date,
        e.record_extract.seen_by};
  }
  static Expert Read(RowReader& r) {
    Expert e;
    e.exchange_id = r.Text();
    e.id = r.Text();
    e.display_name = r.Text();
    e.email = r.Text();
    e.phone = r.Text();
    e.home_municipality = r.Text();
    e.languages = r.JsonValue().get<std::vector<std::string>>();
    e.experience_areas = EnumListFrom<domain::ExperienceArea>(r.JsonValue());
    e.roles = EnumListFrom<domain::Role>(r.JsonValue());
    for (const auto& t : r.JsonValue()) {
      domain::Training training;
      training.provider = t.at("provider").get<std::string>();
      training.title = t.at("title").get<std::string>();
      training.completion_date = t.at("completion_date").get<std::string>();
      training.kind = EnumFrom<domain::CourseKind>(t.value("kind", std::string("UNSPECIFIED")));
      training.valid_until = t.value("valid_until", std::string());
      training.course = t.value("course", std::string());
      e.trainings.push_back(std::move(training));
    }
    e.service_municipalities = r.JsonValue().get<std::vector<std::string>>();
    e.max_travel_km = static_cast<int>(r.Int());
    e.remote_ok = r.Int() != 0;
    for (const auto& w : r.JsonValue()) {
      e.weekly_availability.push_back(
          {EnumFrom<domain::Weekday>(w.at("day").get<std::string>()),
           w.at("start_minute").get<int>(), w.at("end_minute").get<int>()});
    }
    for (const auto& p : r.JsonValue()) {
      e.unavailable_periods.push_back(
          {absl::FromUnixMicros(p.at("start_time").get<long long>()),
           absl::FromUnixMicros(p.at("end_time").get<long long>())});
    }
    e.max_assignments_per_month = static_cast<int>(r.Int());
    e.monthly_earnings_limit_cents = r.Int();
    e.payment_method = EnumFrom<domain::PaymentMethod>(r.Text());
    e.state = EnumFrom<domain::ExpertState>(r.Text());
    e.consent.given_time = r.Time();
    e.consent.notice_version = r.Text();
    e.preferred_language = r.Text();
    e.notification_channel = EnumFrom<domain::NotificationChannel>(r.Text());
    e.essential_messages_only = r.Int() != 0;
    e.benefit_limit = BenefitLimitFrom(r.JsonValue());
    e.payroll.withholding_permille = static_cast<int>(r.Int());
    e.payroll.identity_code_sealed = r.Text();
    e.record_extract.seen_date = r.Text();
    e.record_extract.seen_by = r.Text();
    return e;
  }
};

template <>
struct TableOf<Organization> {
  static constexpr absl::string_view kCollection = "organizations";
  static constexpr absl::string_view kTable = "organizations";
  static constexpr const char* kColumns = kOrganizationColumns;
  static constexpr const char* kInsert = kInsertOrganization;
  static constexpr const char* kUpdate = kUpdateOrganization;
  static constexpr absl::Span<const FilterSql> kFilters = kOrganizationFilters;
  static Key KeyOf(const Organization& o) { return {o.exchange_id, o.id}; }
  static domain::Meta& MetaOf(Organization& o) { return o.meta; }
  static Record Data(const Organization& o) {
    return {
        o.display_name,
        o.business_id,
        std::string(domain::EnumName(o.sector)),
        std::string(domain::EnumName(o.kind)),
        o.municipality,
        o.contact_name,
        o.contact_email,
        o.contact_phone,
        std::string(domain::EnumName(o.state))};
  }
  static Organization Read(RowReader& r) {
    Organization o;
    o.exchange_id = r.Text();
    o.id = r.Text();
    o.display_name = r.Text();
    o.business_id = r.Text();
    o.sector = EnumFrom<domain::Sector>(r.Text());
    o.kind = EnumFrom<domain::OrganizationKind>(r.Text());
    o.municipality = r.Text();
    o.contact_name = r.Text();
    o.contact_email = r.Text();
    o.contact_phone = r.Text();
    o.state = EnumFrom<domain::OrganizationState>(r.Text());
    return o;
  }
};

// An expert's new identity code, sealed (storage/sealed.h) in place of the
// code itself, which is never written or kept.
template <typename T>
absl::Status SealSecrets(const Database& db, T& value) {
  if constexpr (std::is_same_v<T, Expert>) {
    domain::PayrollDetails& p = value.payroll;
    if (p.identity_code.empty()) return absl::OkStatus();
    auto sealed = SealIdentityCode(
        db.identity_key(), p.identity_code,
        domain::ChildResourceName(value.exchange_id, "experts", value.id));
    if (!sealed.ok()) return sealed.status();
    p.identity_code_sealed = *std::move(sealed);
    p.identity_code.clear();
  }
  return absl::OkStatus();
}

// "WHERE" clause of the key, and the key values in the same order.
template <typename T>
std::string KeyClause() {
  if constexpr (std::is_same_v<T, Exchange>) {
    return "id = :id";
  } else {
    return "exchange_id = :exchange_id AND id = :id";
  }
}

// TableOf<T>::Stamp, for the tables that keep something of their own.
template <typename T>
void StampOf(const T* before, T& after, absl::Time now) {
  if constexpr (requires { TableOf<T>::Stamp(before, after, now); }) {
    TableOf<T>::Stamp(before, after, now);
  }
}

template <typename T>
Record KeyRecord(const Key& key) {
  if constexpr (std::is_same_v<T, Exchange>) {
    return {key.id};
  } else {
    return {key.exchange_id, key.id};
  }
}

template <typename T>
T ReadResource(const soci::row& row) {
  RowReader r(row);
  T value = TableOf<T>::Read(r);
  domain::Meta& meta = TableOf<T>::MetaOf(value);
  meta.revision = r.Int();
  meta.create_time = r.Time();
  meta.update_time = r.Time();
  return value;
}

std::string ResourceName(absl::string_view collection, const Key& key) {
  return key.exchange_id.empty() ? domain::ExchangeName(key.id)
                                 : domain::ChildResourceName(key.exchange_id, collection, key.id);
}

template <typename T>
absl::Status NotFound(const Key& key) {
  return absl::NotFoundError(
      absl::StrCat(ResourceName(TableOf<T>::kCollection, key), " not found"));
}

// Reads one resource in `sql`'s current transaction, if any.
template <typename T>
absl::StatusOr<T> SelectOne(soci::session& sql, const Key& key) {
  const std::string query = absl::StrCat(
      "SELECT ", TableOf<T>::kColumns, " FROM ", TableOf<T>::kTable, " WHERE ", KeyClause<T>());
  Record values = KeyRecord<T>(key);
  soci::details::prepare_temp_type statement = (sql.prepare << query);
  Bind(statement, values);
  soci::rowset<soci::row> rows(statement);
  for (const soci::row& row : rows) return ReadResource<T>(row);
  return NotFound<T>(key);
}

template <typename T>
absl::Status CheckParentExists(soci::session& sql, const Key& key) {
  if constexpr (std::is_same_v<T, Exchange>) {
    return absl::OkStatus();
  } else {
    return CheckExchangeExists(sql, key.exchange_id);
  }
}

// The filter fields of each resource are its column names; only fields that
// domain::*FilterFields() allow ever reach here.
}  // namespace

template <typename T>
absl::StatusOr<T> RegistryStore::Create(T value, const CreateOptions& options) {
  return db_.Write(
      [&](soci::session& sql) -> absl::StatusOr<T> { return CreateIn(sql, value, options); });
}

template <typename T>
absl::StatusOr<T> RegistryStore::CreateIn(
    soci::session& sql, T value, const CreateOptions& options) {
  const Key key = TableOf<T>::KeyOf(value);
  const std::string scope = key.exchange_id.empty() ? "" : domain::ExchangeName(key.exchange_id);
  const std::string collection(TableOf<T>::kCollection);
  auto known = FindCreateRequest(sql, scope, collection, options.request_id, options.fingerprint);
  if (!known.ok()) return known.status();
  if (!known->empty()) {
    return SelectOne<T>(sql, {key.exchange_id, *known});
  }
  if (absl::Status s = CheckParentExists<T>(sql, key); !s.ok()) return s;
  if (SelectOne<T>(sql, key).ok()) {
    return absl::AlreadyExistsError(
        absl::StrCat(ResourceName(TableOf<T>::kCollection, key), " already exists"));
  }
  domain::Meta& meta = TableOf<T>::MetaOf(value);
  meta.revision = 1;
  meta.create_time = meta.update_time = db_.Now();
  StampOf<T>(nullptr, value, meta.create_time);
  if (absl::Status s = SealSecrets(db_, value); !s.ok()) return s;
  Record record = KeyRecord<T>(key);
  for (Value& v : TableOf<T>::Data(value)) record.push_back(std::move(v));
  record.push_back(static_cast<long long>(meta.revision));
  record.push_back(Micros(meta.create_time));
  record.push_back(Micros(meta.update_time));
  soci::details::prepare_temp_type insert = (sql.prepare << TableOf<T>::kInsert);
  Bind(insert, record);
  soci::statement(insert).execute(true);
  RecordCreateRequest(
      sql, scope, collection, options.request_id, options.fingerprint, key.id, meta.create_time);
  return value;
}

template <typename T>
absl::StatusOr<T> RegistryStore::Get(const Key& key) {
  return db_.Read([&](soci::session& sql) -> absl::StatusOr<T> { return SelectOne<T>(sql, key); });
}

template <typename T>
absl::StatusOr<T> RegistryStore::GetIn(soci::session& sql, const Key& key) {
  return SelectOne<T>(sql, key);
}

template <typename T>
absl::StatusOr<Page<T>> RegistryStore::List(const domain::ListQuery& query) {
  Page<T> page;
  absl::Status status = db_.Read([&](soci::session& sql) -> absl::Status {
    Record values;
    std::string where;
    if constexpr (std::is_same_v<T, Exchange>) {
      where = kExchangesAfter;
      values.push_back(query.after_id);
    } else {
      absl::StatusOr<std::string> exchange_id = domain::ParseExchangeName(query.scope, "parent");
      if (!exchange_id.ok()) return exchange_id.status();
      if (absl::Status s = CheckParentExists<T>(sql, {*exchange_id, ""}); !s.ok()) {
        return s;
      }
      where = kInExchangeAfter;
      values.push_back(*exchange_id);
      values.push_back(query.after_id);
    }
    if (absl::Status s = AppendFilters(TableOf<T>::kFilters, query.terms, db_.Now(), where, values);
        !s.ok()) {
      return s;
    }
    values.push_back(static_cast<long long>(query.page_size + 1));
    static const std::string kSelect =
        absl::StrCat("SELECT ", TableOf<T>::kColumns, " FROM ", TableOf<T>::kTable, " WHERE ");
    const std::string sql_text = absl::StrCat(kSelect, where, kPageById);
    soci::details::prepare_temp_type statement = (sql.prepare << sql_text);
    Bind(statement, values);
    soci::rowset<soci::row> rows(statement);
    for (const soci::row& row : rows) page.items.push_back(ReadResource<T>(row));
    FinishPage(page, query, [](const T& item) { return TableOf<T>::KeyOf(item).id; });
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

template <typename T>
absl::StatusOr<T> RegistryStore::Update(T value, int64_t expected_revision) {
  return db_.Write([&](soci::session& sql) -> absl::StatusOr<T> {
    return UpdateIn(sql, value, expected_revision);
  });
}

template <typename T>
absl::StatusOr<T> RegistryStore::UpdateIn(soci::session& sql, T value, int64_t expected_revision) {
  const Key key = TableOf<T>::KeyOf(value);
  absl::Status status = [&]() -> absl::Status {
    absl::StatusOr<T> current = SelectOne<T>(sql, key);
    if (!current.ok()) return current.status();
    const domain::Meta& old = TableOf<T>::MetaOf(*current);
    if (old.revision != expected_revision) {
      return absl::AbortedError(absl::StrCat(
          ResourceName(TableOf<T>::kCollection, key),
          " was changed by another request; read it again and retry"));
    }
    domain::Meta& meta = TableOf<T>::MetaOf(value);
    meta.revision = old.revision + 1;
    meta.create_time = old.create_time;
    meta.update_time = std::max(db_.Now(), old.update_time);
    StampOf<T>(&*current, value, meta.update_time);
    if (absl::Status s = SealSecrets(db_, value); !s.ok()) return s;
    Record record = TableOf<T>::Data(value);
    record.push_back(static_cast<long long>(meta.revision));
    record.push_back(Micros(meta.update_time));
    for (Value& v : KeyRecord<T>(key)) record.push_back(std::move(v));
    record.push_back(static_cast<long long>(expected_revision));
    soci::details::prepare_temp_type update = (sql.prepare << TableOf<T>::kUpdate);
    Bind(update, record);
    soci::statement statement(update);
    statement.execute(true);
    if (statement.get_affected_rows() != 1) {
      return absl::AbortedError("concurrent update; read again and retry");
    }
    return absl::OkStatus();
  }();
  if (!status.ok()) return status;
  return value;
}

template <typename T>
absl::Status RegistryStore::Delete(const Key& key, int64_t expected_revision) {
  return db_.Write([&](soci::session& sql) -> absl::Status {
    absl::StatusOr<T> current = SelectOne<T>(sql, key);
    if (!current.ok()) return current.status();
    if (expected_revision != 0 && TableOf<T>::MetaOf(*current).revision != expected_revision) {
      return absl::AbortedError(absl::StrCat(
          ResourceName(TableOf<T>::kCollection, key),
          " was changed by another request; read it again and retry"));
    }
    const std::string query =
        absl::StrCat("DELETE FROM ", TableOf<T>::kTable, " WHERE ", KeyClause<T>());
    Record values = KeyRecord<T>(key);
    soci::details::prepare_temp_type statement = (sql.prepare << query);
    Bind(statement, values);
    try {
      soci::statement(statement).execute(true);
    } catch (const std::exception& e) {
      if (!IsConstraintViolation(e)) throw;
      // Orders and assignments keep their organization and expert: the
      // records bookkeeping needs outlive a deletion request.
      std::string kind(TableOf<T>::kCollection.substr(0, TableOf<T>::kCollection.size() - 1));
      kind[0] = absl::ascii_toupper(kind[0]);  // "experts" -> "Expert"
      return absl::FailedPreconditionError(absl::StrCat(
          ResourceName(TableOf<T>::kCollection, key),
          " has orders or assignments and can't be deleted; set its state to INACTIVE "
          "instead (Update",
          kind, ")"));
    }
    return absl::OkStatus();
  });
}

#define KOKEMUS_INSTANTIATE(T)                                                                 \
  template absl::StatusOr<T> RegistryStore::Create(T, const CreateOptions&);                   \
  template absl::StatusOr<T> RegistryStore::Get(const Key&);                                   \
  template absl::StatusOr<Page<T>> RegistryStore::List(const domain::ListQuery&);              \
  template absl::StatusOr<T> RegistryStore::Update(T, int64_t);                                \
  template absl::StatusOr<T> RegistryStore::CreateIn(soci::session&, T, const CreateOptions&); \
  template absl::StatusOr<T> RegistryStore::UpdateIn(soci::session&, T, int64_t);              \
  template absl::StatusOr<T> RegistryStore::GetIn(soci::session&, const Key&);                 \
  template absl::Status RegistryStore::Delete<T>(const Key&, int64_t);

std::vector<std::string> RegistryStore::ActiveExpertsWithCredentialsIn(
    soci::session& sql, const std::string& exchange_id) {
  // A training of a kind stores its "kind" (TableOf<Expert>::Data).
  return Query<std::string>(
      sql,
      "SELECT id FROM experts WHERE exchange_id = :exchange_id AND state = 'ACTIVE' AND "
      "(extract_seen_date <> '' OR trainings LIKE '%\"kind\"%') ORDER BY id",
      {exchange_id}, [](const soci::row& row) { return RowReader(row).Text(); });
}

absl::StatusOr<bool> RegistryStore::ExpertWorksFor(
    const Key& expert, const std::string& organization_id) {
  bool works = false;
  absl::Status status = db_.Read([&](soci::session& sql) {
    works =
        !Query<int>(
             sql,
             "SELECT 1 FROM assignments a JOIN orders o ON o.exchange_id = "
             "a.exchange_id AND o.id = a.order_id WHERE a.exchange_id = :x AND "
             "a.expert_id = :e AND o.organization_id = :org AND a.state IN "
             "('OFFERED', 'AVAILABLE', 'ACCEPTED', 'CONFIRMED', 'COMPLETED') LIMIT 1",
             {expert.exchange_id, expert.id, organization_id}, [](const soci::row&) { return 1; })
             .empty();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return works;
}

KOKEMUS_INSTANTIATE(Exchange)
KOKEMUS_INSTANTIATE(Expert)
KOKEMUS_INSTANTIATE(Organization)

}  // namespace kokemus::storage
