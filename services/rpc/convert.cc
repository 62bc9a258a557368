#include "services/rpc/convert.h"

#include "absl/strings/str_cat.h"
#include "services/domain/fees.h"
#include "services/domain/listing.h"
#include "services/domain/payroll.h"

namespace kokemus::rpc {
namespace {

// The domain enums mirror the proto enums number for number.
static_assert(
    static_cast<int>(domain::ExperienceArea::kOtherLifeCrisis) ==
    v1::EXPERIENCE_AREA_OTHER_LIFE_CRISIS);
static_assert(static_cast<int>(domain::Role::kCommunications) == v1::ROLE_COMMUNICATIONS);
static_assert(
    static_cast<int>(domain::PaymentMethod::kFeeDeclined) == v1::PAYMENT_METHOD_FEE_DECLINED);
static_assert(static_cast<int>(domain::Weekday::kSunday) == v1::WEEKDAY_SUNDAY);
static_assert(static_cast<int>(domain::ExpertState::kInactive) == v1::Expert::STATE_INACTIVE);
static_assert(
    static_cast<int>(domain::OrganizationState::kInactive) == v1::Organization::STATE_INACTIVE);
static_assert(static_cast<int>(domain::Sector::kPrivate) == v1::SECTOR_PRIVATE);
static_assert(static_cast<int>(domain::OrganizationKind::kOther) == v1::ORGANIZATION_KIND_OTHER);

static_assert(static_cast<int>(domain::Audience::kMixed) == v1::AUDIENCE_MIXED);
static_assert(static_cast<int>(domain::OrderState::kCancelled) == v1::Order::STATE_CANCELLED);
static_assert(static_cast<int>(domain::CancelledBy::kExchange) == v1::CANCELLED_BY_EXCHANGE);
static_assert(
    static_cast<int>(domain::AssignmentState::kAvailable) == v1::Assignment::STATE_AVAILABLE);
static_assert(static_cast<int>(domain::OfferKind::kBackup) == v1::OFFER_KIND_BACKUP);
static_assert(static_cast<int>(domain::OfferStrategy::kPool) == v1::OFFER_STRATEGY_POOL);
static_assert(static_cast<int>(domain::FeeKind::kHourly) == v1::FEE_KIND_HOURLY);
static_assert(static_cast<int>(domain::CourseKind::kOther) == v1::COURSE_KIND_OTHER);
static_assert(
    static_cast<int>(domain::CredentialKind::kCriminalRecordExtractSeen) ==
    v1::CREDENTIAL_KIND_CRIMINAL_RECORD_EXTRACT_SEEN);
static_assert(static_cast<int>(domain::FeedbackSource::kExpert) == v1::Feedback::SOURCE_EXPERT);

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
  return name.substr(
      first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
}

void SetMeta(
    const domain::Meta& meta, std::string* etag, google::protobuf::Timestamp* create_time,
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
  e.retention_months = p.retention_months();
  e.postal_address = p.postal_address();
  e.data_protection_officer = p.data_protection_officer();
  e.contact_name = p.contact_name();
  e.contact_phone = p.contact_phone();
  if (p.has_pay_rule()) {
    e.pay_rule.kind = static_cast<domain::PayRuleKind>(p.pay_rule().kind());
    e.pay_rule.day_of_month = p.pay_rule().day_of_month();
    e.pay_rule.days_after = p.pay_rule().days_after();
  }
  for (const v1::CredentialRequirement& r : p.credential_requirements()) {
    domain::CredentialRequirement out;
    out.kind = static_cast<domain::CredentialKind>(r.kind());
    out.course = static_cast<domain::CourseKind>(r.course());
    out.roles = CastAll<domain::Role>(r.roles());
    out.orderer_kinds = CastAll<domain::OrganizationKind>(r.orderer_kinds());
    out.max_age_months = r.max_age_months();
    e.credential_requirements.push_back(std::move(out));
  }
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
    e.trainings.push_back(
        {t.provider(), t.title(), t.completion_date(), static_cast<domain::CourseKind>(t.kind()),
         t.valid_until(), t.course()});
  }
  e.record_extract.seen_date = p.criminal_record_extract_seen().seen_date();
  e.record_extract.seen_by = p.criminal_record_extract_seen().seen_by();
  e.service_municipalities.assign(
      p.service_municipalities().begin(), p.service_municipalities().end());
  e.max_travel_km = p.max_travel_km();
  e.remote_ok = p.remote_ok();
  for (const auto& w : p.weekly_availability()) {
    e.weekly_availability.push_back(
        {static_cast<domain::Weekday>(w.day()), w.start_minute(), w.end_minute()});
  }
  for (const auto& u : p.unavailable_periods()) {
    e.unavailable_periods.push_back(
        {u.has_start_time() ? FromProto(u.start_time()) : absl::UnixEpoch(),
         u.has_end_time() ? FromProto(u.end_time()) : absl::UnixEpoch()});
  }
  e.max_assignments_per_month = p.max_assignments_per_month();
  e.monthly_earnings_limit_cents = p.monthly_earnings_limit_cents();
  e.benefit_limit.kind = static_cast<domain::BenefitLimitKind>(p.benefit_limit().kind());
  e.benefit_limit.earlier_monthly_income_cents = p.benefit_limit().earlier_monthly_income_cents();
  e.benefit_limit.earlier_income_percent = p.benefit_limit().earlier_income_percent();
  e.benefit_limit.yearly_limit_cents = p.benefit_limit().yearly_limit_cents();
  e.payment_method = static_cast<domain::PaymentMethod>(p.payment_method());
  e.payroll.identity_code = p.payroll().identity_code();
  auto withholding = domain::ParseWithholdingPercent(p.payroll().withholding_percent(), "");
  e.payroll.withholding_permille = withholding.ok() ? *withholding : domain::kUnreadableWithholding;
  e.state = static_cast<domain::ExpertState>(p.state());
  e.preferred_language = p.preferred_language();
  e.notification_channel = static_cast<domain::NotificationChannel>(p.notification_channel());
  e.essential_messages_only = p.essential_messages_only();
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
  o.state = static_cast<domain::OrganizationState>(p.state());
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
  p.set_retention_months(e.retention_months);
  p.set_postal_address(e.postal_address);
  p.set_data_protection_officer(e.data_protection_officer);
  p.set_contact_name(e.contact_name);
  p.set_contact_phone(e.contact_phone);
  v1::PayRule* rule = p.mutable_pay_rule();
  rule->set_kind(static_cast<v1::PayRule::Kind>(e.pay_rule.kind));
  rule->set_day_of_month(e.pay_rule.day_of_month);
  rule->set_days_after(e.pay_rule.days_after);
  for (const domain::CredentialRequirement& r : e.credential_requirements) {
    v1::CredentialRequirement* out = p.add_credential_requirements();
    out->set_kind(static_cast<v1::CredentialKind>(r.kind));
    out->set_course(static_cast<v1::CourseKind>(r.course));
    for (domain::Role role : r.roles) out->add_roles(static_cast<v1::Role>(role));
    for (domain::OrganizationKind kind : r.orderer_kinds) {
      out->add_orderer_kinds(static_cast<v1::OrganizationKind>(kind));
    }
    out->set_max_age_months(r.max_age_months);
  }
  if (e.privacy_notice_time != absl::InfinitePast()) {
    *p.mutable_privacy_notice_time() = ToProto(e.privacy_notice_time);
  }
  SetMeta(e.meta, p.mutable_etag(), p.mutable_create_time(), p.mutable_update_time());
  return p;
}

v1::Expert ToOrdererView(const domain::Expert& e) {
  v1::Expert p;
  p.set_name(domain::ChildResourceName(e.exchange_id, "experts", e.id));
  p.set_display_name(e.display_name);
  for (const auto& l : e.languages) p.add_languages(l);
  for (auto r : e.roles) p.add_roles(static_cast<v1::Role>(r));
  return p;
}

v1::Organization ToExpertView(const domain::Organization& o) {
  v1::Organization p;
  p.set_name(domain::ChildResourceName(o.exchange_id, "organizations", o.id));
  p.set_display_name(o.display_name);
  p.set_sector(static_cast<v1::Sector>(o.sector));
  p.set_kind(static_cast<v1::OrganizationKind>(o.kind));
  p.set_municipality(o.municipality);
  p.set_contact_name(o.contact_name);
  p.set_contact_email(o.contact_email);
  p.set_contact_phone(o.contact_phone);
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
    out->set_kind(static_cast<v1::CourseKind>(t.kind));
    out->set_valid_until(t.valid_until);
    out->set_course(t.course);
  }
  if (!e.record_extract.seen_date.empty()) {
    v1::RecordExtractSeen* extract = p.mutable_criminal_record_extract_seen();
    extract->set_seen_date(e.record_extract.seen_date);
    extract->set_seen_by(e.record_extract.seen_by);
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
  if (e.benefit_limit != domain::BenefitLimit{}) {
    v1::BenefitLimit* limit = p.mutable_benefit_limit();
    limit->set_kind(static_cast<v1::BenefitLimit::Kind>(e.benefit_limit.kind));
    limit->set_earlier_monthly_income_cents(e.benefit_limit.earlier_monthly_income_cents);
    limit->set_earlier_income_percent(e.benefit_limit.earlier_income_percent);
    limit->set_yearly_limit_cents(e.benefit_limit.yearly_limit_cents);
  }
  p.set_payment_method(static_cast<v1::PaymentMethod>(e.payment_method));
  if (e.payroll.identity_code_recorded() || e.payroll.withholding_permille >= 0) {
    // Never the code itself: only that there is one.
    p.mutable_payroll()->set_identity_code_recorded(e.payroll.identity_code_recorded());
    p.mutable_payroll()->set_withholding_percent(
        domain::WithholdingPercentText(e.payroll.withholding_permille));
  }
  p.set_state(static_cast<v1::Expert::State>(e.state));
  p.set_preferred_language(e.preferred_language);
  p.set_notification_channel(static_cast<v1::NotificationChannel>(e.notification_channel));
  p.set_essential_messages_only(e.essential_messages_only);
  if (e.consent.given_time != absl::UnixEpoch()) {
    *p.mutable_consent()->mutable_given_time() = ToProto(e.consent.given_time);
    p.mutable_consent()->set_notice_version(e.consent.notice_version);
  }
  SetMeta(e.meta, p.mutable_etag(), p.mutable_create_time(), p.mutable_update_time());
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
  p.set_state(static_cast<v1::Organization::State>(o.state));
  SetMeta(o.meta, p.mutable_etag(), p.mutable_create_time(), p.mutable_update_time());
  return p;
}

namespace {

absl::Time OptionalTime(bool has, const google::protobuf::Timestamp& ts) {
  return has ? FromProto(ts) : absl::UnixEpoch();
}

// Sets a Timestamp field only for a time that was recorded.
template <typename Setter>
void SetOptionalTime(absl::Time t, Setter mutable_field) {
  if (t != absl::UnixEpoch()) *mutable_field() = ToProto(t);
}

}  // namespace

domain::Order FromProto(const v1::Order& p) {
  domain::Order o;
  o.exchange_id = ExchangeIdOf(p.name());
  o.id = IdOf(p.name());
  if (auto org = domain::ParseChildName(p.organization(), "organizations", "organization");
      org.ok()) {
    o.organization_id = org->id;
  }
  o.role = static_cast<domain::Role>(p.role());
  o.topic = p.topic();
  o.audience = static_cast<domain::Audience>(p.audience());
  o.audience_size = p.audience_size();
  o.start_time = OptionalTime(p.has_start_time(), p.start_time());
  o.duration_minutes = p.duration_minutes();
  o.preparation_minutes = p.preparation_minutes();
  o.remote = p.remote();
  o.address = p.address();
  o.municipality = p.municipality();
  o.language = p.language();
  o.experience_areas = CastAll<domain::ExperienceArea>(p.experience_areas());
  o.experts_needed = p.experts_needed();
  o.notes = p.notes();
  return o;
}

v1::Order ToProto(const domain::Order& o) {
  v1::Order p;
  p.set_name(domain::ChildResourceName(o.exchange_id, "orders", o.id));
  p.set_organization(domain::ChildResourceName(o.exchange_id, "organizations", o.organization_id));
  p.set_role(static_cast<v1::Role>(o.role));
  p.set_topic(o.topic);
  p.set_audience(static_cast<v1::Audience>(o.audience));
  p.set_audience_size(o.audience_size);
  *p.mutable_start_time() = ToProto(o.start_time);
  p.set_duration_minutes(o.duration_minutes);
  p.set_preparation_minutes(o.preparation_minutes);
  p.set_remote(o.remote);
  p.set_address(o.address);
  p.set_municipality(o.municipality);
  p.set_language(o.language);
  for (auto a : o.experience_areas) p.add_experience_areas(static_cast<v1::ExperienceArea>(a));
  p.set_experts_needed(o.experts_needed);
  p.set_notes(o.notes);
  p.set_state(static_cast<v1::Order::State>(o.state));
  p.set_cancelled_by(static_cast<v1::CancelledBy>(o.cancelled_by));
  SetOptionalTime(o.cancel_time, [&] { return p.mutable_cancel_time(); });
  SetMeta(o.meta, p.mutable_etag(), p.mutable_create_time(), p.mutable_update_time());
  return p;
}

domain::Assignment FromProto(const v1::Assignment& p) {
  domain::Assignment a;
  if (auto expert = domain::ParseChildName(p.expert(), "experts", "assignment.expert");
      expert.ok()) {
    a.exchange_id = expert->exchange_id;
    a.expert_id = expert->id;
  }
  a.offer_deadline = absl::FromUnixMicros(
      absl::ToUnixMicros(OptionalTime(p.has_offer_deadline(), p.offer_deadline())));
  // An unknown kind stays out of range for domain::PlanOffer to refuse.
  a.offer_kind = static_cast<domain::OfferKind>(p.offer_kind());
  return a;
}

v1::Assignment ToProto(const domain::Assignment& a) {
  v1::Assignment p;
  p.set_name(absl::StrCat(
      domain::ChildResourceName(a.exchange_id, "orders", a.order_id), "/assignments/", a.id));
  p.set_expert(domain::ChildResourceName(a.exchange_id, "experts", a.expert_id));
  p.set_state(static_cast<v1::Assignment::State>(a.state));
  *p.mutable_offer_deadline() = ToProto(a.offer_deadline);
  *p.mutable_start_time() = ToProto(a.start_time);
  *p.mutable_end_time() = ToProto(a.end_time);
  p.set_actual_duration_minutes(a.actual_duration_minutes);
  p.set_fee_cents(a.fee_cents);
  p.set_travel_cents(a.travel_cents);
  p.set_declined_fee_cents(a.declined_fee_cents);
  p.set_daily_allowance_cents(a.daily_allowance_cents);
  p.set_total_cents(a.total_cents());
  p.set_travel_km(a.travel_km);
  p.set_cancelled_by(static_cast<v1::CancelledBy>(a.cancelled_by));
  p.set_cancel_reason(static_cast<v1::CancelReason>(a.cancel_reason));
  p.set_decline_reason(static_cast<v1::DeclineReason>(a.decline_reason));
  for (domain::ExclusionRule r : a.overridden_rules) {
    p.add_overridden_rules(static_cast<v1::ExclusionRule>(static_cast<int>(r) + 1));
  }
  p.set_offer_round(a.offer_round);
  p.set_offer_kind(static_cast<v1::OfferKind>(a.offer_kind));
  p.set_backup_rank(a.backup_rank);
  SetOptionalTime(a.cancel_time, [&] { return p.mutable_cancel_time(); });
  if (!a.contract_id.empty()) {
    p.set_contract(domain::ChildResourceName(a.exchange_id, "contracts", a.contract_id));
  }
  for (domain::FeedbackSource s : a.feedback_given) {
    p.add_feedback_given(static_cast<v1::Feedback::Source>(s));
  }
  SetMeta(a.meta, p.mutable_etag(), p.mutable_create_time(), p.mutable_update_time());
  return p;
}

domain::Feedback FromProto(const v1::Feedback& p) {
  domain::Feedback f;
  f.source = static_cast<domain::FeedbackSource>(p.source());
  f.overall_rating = p.overall_rating();
  f.content_rating = p.content_rating();
  f.heaviness = p.heaviness();
  f.setting_safe = p.setting_safe();
  f.support_afterwards = static_cast<domain::SupportAfterwards>(p.support_afterwards());
  f.comment = p.comment();
  return f;
}

v1::Feedback ToProto(const domain::Feedback& f) {
  v1::Feedback p;
  p.set_source(static_cast<v1::Feedback::Source>(f.source));
  p.set_overall_rating(f.overall_rating);
  p.set_content_rating(f.content_rating);
  p.set_heaviness(f.heaviness);
  p.set_setting_safe(f.setting_safe);
  p.set_support_afterwards(static_cast<v1::SupportAfterwards>(f.support_afterwards));
  p.set_comment(f.comment);
  SetOptionalTime(f.create_time, [&] { return p.mutable_create_time(); });
  return p;
}

domain::FeeSchedule FromProto(const v1::FeeSchedule& p) {
  domain::FeeSchedule s;
  for (const auto& r : p.role_rules()) {
    s.role_rules.push_back(
        {static_cast<domain::Role>(r.role()), r.valid_from(),
         static_cast<domain::FeeKind>(r.kind()), r.amount_cents(), r.minimum_cents(),
         r.preparation_paid()});
  }
  for (const auto& t : p.travel_rates()) {
    s.travel_rates.push_back({t.valid_from(), t.cents_per_km()});
  }
  for (const auto& c : p.cancellation_rules()) {
    domain::CancellationRule rule{c.valid_from(),           c.orderer_notice_days(),
                                  c.orderer_late_percent(), c.expert_percent(),
                                  c.exchange_percent(),     {}};
    for (const auto& t : c.orderer_tiers()) {
      rule.orderer_tiers.push_back({t.notice_days(), t.percent()});
    }
    s.cancellation_rules.push_back(std::move(rule));
  }
  return s;
}

v1::FeeSchedule ToProto(const domain::FeeSchedule& s) {
  v1::FeeSchedule p;
  p.set_name(absl::StrCat(domain::ExchangeName(s.exchange_id), "/feeSchedule"));
  for (const auto& r : s.role_rules) {
    auto* out = p.add_role_rules();
    out->set_role(static_cast<v1::Role>(r.role));
    out->set_valid_from(r.valid_from);
    out->set_kind(static_cast<v1::FeeKind>(r.kind));
    out->set_amount_cents(r.amount_cents);
    out->set_minimum_cents(r.minimum_cents);
    out->set_preparation_paid(r.preparation_paid);
  }
  for (const auto& t : s.travel_rates) {
    auto* out = p.add_travel_rates();
    out->set_valid_from(t.valid_from);
    out->set_cents_per_km(t.cents_per_km);
  }
  for (const auto& c : s.cancellation_rules) {
    auto* out = p.add_cancellation_rules();
    out->set_valid_from(c.valid_from);
    out->set_orderer_notice_days(c.orderer_notice_days);
    out->set_orderer_late_percent(c.orderer_late_percent);
    out->set_expert_percent(c.expert_percent);
    out->set_exchange_percent(c.exchange_percent);
    for (const auto& t : c.orderer_tiers) {
      auto* tier = out->add_orderer_tiers();
      tier->set_notice_days(t.notice_days);
      tier->set_percent(t.percent);
    }
  }
  p.set_etag(domain::FormatEtag(s.meta.revision));
  SetOptionalTime(s.meta.update_time, [&] { return p.mutable_update_time(); });
  return p;
}

}  // namespace kokemus::rpc
