#include "services/rpc/convert.h"

#include "services/domain/listing.h"

namespace kokemus::rpc {
namespace {

// The domain enums mirror the proto enums number for number.
static_assert(static_cast<int>(domain::ExperienceArea::kOtherLifeCrisis) ==
              v1::EXPERIENCE_AREA_OTHER_LIFE_CRISIS);
static_assert(static_cast<int>(domain::Role::kCommunications) ==
              v1::ROLE_COMMUNICATIONS);
static_assert(static_cast<int>(domain::PaymentMethod::kFeeDeclined) ==
              v1::PAYMENT_METHOD_FEE_DECLINED);
static_assert(static_cast<int>(domain::Weekday::kSunday) == v1::WEEKDAY_SUNDAY);
static_assert(static_cast<int>(domain::ExpertState::kInactive) ==
              v1::Expert::STATE_INACTIVE);
static_assert(static_cast<int>(domain::Sector::kPrivate) == v1::SECTOR_PRIVATE);
static_assert(static_cast<int>(domain::OrganizationKind::kOther) ==
              v1::ORGANIZATION_KIND_OTHER);

template <typename To, typename From>
std::vector<To> CastAll(const google::protobuf::RepeatedField<From>& values) {
  std::vector<To> out;
  for (int v : values) out.push_back(static_cast<To>(v));
  return out;
}

// The last path segment of a resource name: the id, or "" if there is none.
std::string IdOf(const std::string& name) {
  const size_t slash = name.rfind('/');
  return slash == std::string::npos ? "" : name.substr(slash + 1);
}

std::string ExchangeIdOf(const std::string& name) {
  const size_t first = name.find('/');
  if (first == std::string::npos) return "";
  const size_t second = name.find('/', first + 1);
  return name.substr(first + 1, second == std::string::npos
                                    ? std::string::npos
                                    : second - first - 1);
}

void SetMeta(const domain::Meta& meta, std::string* etag,
             google::protobuf::Timestamp* create_time,
             google::protobuf::Timestamp* update_time) {
  *etag = domain::FormatEtag(meta.revision);
  *create_time = ToProto(meta.create_time);
  *update_time = ToProto(meta.update_time);
}

}  // namespace

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time time) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    rest += 1'000'000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rest * 1000));
  return ts;
}

domain::Exchange FromProto(const v1::Exchange& p) {
  domain::Exchange e;
  e.id = IdOf(p.name());
  e.display_name = p.display_name();
  e.wellbeing_region = p.wellbeing_region();
  e.default_language = p.default_language();
  e.business_id = p.business_id();
  e.contact_email = p.contact_email();
  e.travel_buffer_minutes = p.travel_buffer_minutes();
  return e;
}

domain::Expert FromProto(const v1::Expert& p) {
  domain::Expert e;
  e.exchange_id = ExchangeIdOf(p.name());
  e.id = IdOf(p.name());
  e.display_name = p.display_name();
  e.email = p.email();
  e.phone = p.phone();
  e.home_municipality = p.home_municipality();
  e.languages.assign(p.languages().begin(), p.languages().end());
  e.experience_areas = CastAll<domain::ExperienceArea>(p.experience_areas());
  e.roles = CastAll<domain::Role>(p.roles());
  for (const auto& t : p.trainings()) {
    e.trainings.push_back({t.provider(), t.title(), t.completion_date()});
  }
  e.service_municipalities.assign(p.service_municipalities().begin(),
                                  p.service_municipalities().end());
  e.max_travel_km = p.max_travel_km();
  e.remote_ok = p.remote_ok();
  for (const auto& w : p.weekly_availability()) {
    e.weekly_availability.push_back({static_cast<domain::Weekday>(w.day()),
                                     w.start_minute(), w.end_minute()});
  }
  for (const auto& u : p.unavailable_periods()) {
    e.unavailable_periods.push_back({u.has_start_time() ? FromProto(u.start_time())
                                                        : absl::UnixEpoch(),
                                     u.has_end_time() ? FromProto(u.end_time())
                                                      : absl::UnixEpoch()});
  }
  e.max_assignments_per_month = p.max_assignments_per_month();
  e.monthly_earnings_limit_cents = p.monthly_earnings_limit_cents();
  e.payment_method = static_cast<domain::PaymentMethod>(p.payment_method());
  e.state = static_cast<domain::ExpertState>(p.state());
  if (p.consent().has_given_time()) {
    e.consent.given_time = FromProto(p.consent().given_time());
  }
  e.consent.notice_version = p.consent().notice_version();
  return e;
}

domain::Organization FromProto(const v1::Organization& p) {
  domain::Organization o;
  o.exchange_id = ExchangeIdOf(p.name());
  o.id = IdOf(p.name());
  o.display_name = p.display_name();
  o.business_id = p.business_id();
  o.sector = static_cast<domain::Sector>(p.sector());
  o.kind = static_cast<domain::OrganizationKind>(p.kind());
  o.municipality = p.municipality();
  o.contact_name = p.contact_name();
  o.contact_email = p.contact_email();
  o.contact_phone = p.contact_phone();
  return o;
}

v1::Exchange ToProto(const domain::Exchange& e) {
  v1::Exchange p;
  p.set_name(domain::ExchangeName(e.id));
  p.set_display_name(e.display_name);
  p.set_wellbeing_region(e.wellbeing_region);
  p.set_default_language(e.default_language);
  p.set_business_id(e.business_id);
  p.set_contact_email(e.contact_email);
  p.set_travel_buffer_minutes(e.travel_buffer_minutes);
  SetMeta(e.meta, p.mutable_etag(), p.mutable_create_time(),
          p.mutable_update_time());
  return p;
}

v1::Expert ToProto(const domain::Expert& e) {
  v1::Expert p;
  p.set_name(domain::ChildResourceName(e.exchange_id, "experts", e.id));
  p.set_display_name(e.display_name);
  p.set_email(e.email);
  p.set_phone(e.phone);
  p.set_home_municipality(e.home_municipality);
  for (const auto& l : e.languages) p.add_languages(l);
  for (auto a : e.experience_areas) {
    p.add_experience_areas(static_cast<v1::ExperienceArea>(a));
  }
  for (auto r : e.roles) p.add_roles(static_cast<v1::Role>(r));
  for (const auto& t : e.trainings) {
    v1::Training* out = p.add_trainings();
    out->set_provider(t.provider);
    out->set_title(t.title);
    out->set_completion_date(t.completion_date);
  }
  for (const auto& m : e.service_municipalities) p.add_service_municipalities(m);
  p.set_max_travel_km(e.max_travel_km);
  p.set_remote_ok(e.remote_ok);
  for (const auto& w : e.weekly_availability) {
    v1::WeeklyWindow* out = p.add_weekly_availability();
    out->set_day(static_cast<v1::Weekday>(w.day));
    out->set_start_minute(w.start_minute);
    out->set_end_minute(w.end_minute);
  }
  for (const auto& u : e.unavailable_periods) {
    v1::UnavailablePeriod* out = p.add_unavailable_periods();
    *out->mutable_start_time() = ToProto(u.start_time);
    *out->mutable_end_time() = ToProto(u.end_time);
  }
  p.set_max_assignments_per_month(e.max_assignments_per_month);
  p.set_monthly_earnings_limit_cents(e.monthly_earnings_limit_cents);
  p.set_payment_method(static_cast<v1::PaymentMethod>(e.payment_method));
  p.set_state(static_cast<v1::Expert::State>(e.state));
  if (e.consent.given_time != absl::UnixEpoch()) {
    *p.mutable_consent()->mutable_given_time() = ToProto(e.consent.given_time);
    p.mutable_consent()->set_notice_version(e.consent.notice_version);
  }
  SetMeta(e.meta, p.mutable_etag(), p.mutable_create_time(),
          p.mutable_update_time());
  return p;
}

v1::Organization ToProto(const domain::Organization& o) {
  v1::Organization p;
  p.set_name(domain::ChildResourceName(o.exchange_id, "organizations", o.id));
  p.set_display_name(o.display_name);
  p.set_business_id(o.business_id);
  p.set_sector(static_cast<v1::Sector>(o.sector));
  p.set_kind(static_cast<v1::OrganizationKind>(o.kind));
  p.set_municipality(o.municipality);
  p.set_contact_name(o.contact_name);
  p.set_contact_email(o.contact_email);
  p.set_contact_phone(o.contact_phone);
  SetMeta(o.meta, p.mutable_etag(), p.mutable_create_time(),
          p.mutable_update_time());
  return p;
}

}  // namespace kokemus::rpc
