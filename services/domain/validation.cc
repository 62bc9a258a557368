#include "services/domain/validation.h"

#include <algorithm>
#include <cctype>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/domain/credentials.h"
#include "services/domain/earnings.h"
#include "services/domain/enum_names.h"
#include "services/domain/field_checks.h"
#include "services/domain/listing.h"
#include "services/domain/payroll.h"
#include "services/domain/utf8.h"
#include "services/reference/reference_data.h"

namespace kokemus::domain {
namespace {

constexpr char kViolationsPayload[] = "kokemus.domain/field-violations";
constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxControllerDetailLength = 300;
constexpr size_t kMaxListLength = 50;

bool AllDigits(absl::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool AllAlpha(absl::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalpha(c); });
}

void CheckEmail(absl::string_view value, std::string path, FieldViolations& v) {
  if (!value.empty() && !IsValidEmail(value)) {
    v.Add(std::move(path), "not a valid e-mail address");
  }
}

void CheckPhone(absl::string_view value, std::string path, FieldViolations& v) {
  // Normalize* has already put a valid number in E.164 form.
  if (!value.empty() && !NormalizePhone(value)) {
    v.Add(std::move(path), "not a phone number: use 040 123 4567 or +358 40 123 4567");
  }
}

void CheckBusinessId(absl::string_view value, std::string path, FieldViolations& v) {
  if (!value.empty() && !IsValidBusinessId(value)) {
    v.Add(
        std::move(path),
        "not a Finnish business id (Y-tunnus) of the form 1234567-8 with a "
        "valid check digit");
  }
}

void TrimInPlace(std::string& s) { absl::StripAsciiWhitespace(&s); }

}  // namespace

namespace {

// `text` cut to at most `max` bytes on a UTF-8 character boundary, "…" marking a cut.
std::string Bounded(std::string text, size_t max) {
  if (text.size() <= max) return text;
  text.resize(Utf8CharStart(text, max - 3));  // room for "…"
  return text + "\u2026";
}

}  // namespace

void FieldViolations::Add(std::string field, std::string description) {
  if (list_.size() >= kMaxViolations) {
    ++more_;
    return;
  }
  list_.push_back(
      {Bounded(std::move(field), kMaxViolationText),
       Bounded(std::move(description), kMaxViolationText)});
}

absl::Status FieldViolations::ToStatus() const {
  if (list_.empty()) return absl::OkStatus();
  std::vector<std::string> parts;
  std::string payload;
  for (const auto& [field, description] : list_) {
    parts.push_back(absl::StrCat(field, ": ", description));
    absl::StrAppend(&payload, field, "\t", description, "\n");
  }
  if (more_ > 0) {
    const std::string more = absl::StrCat(more_, " more violations not listed");
    parts.push_back(more);
    absl::StrAppend(&payload, "request\t", more, "\n");
  }
  absl::Status status =
      absl::InvalidArgumentError(absl::StrCat("invalid request: ", absl::StrJoin(parts, "; ")));
  status.SetPayload(kViolationsPayload, absl::Cord(payload));
  return status;
}

std::vector<FieldViolation> ViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kViolationsPayload);
  if (!payload) return out;
  for (absl::string_view line : absl::StrSplit(std::string(*payload), '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, '\t');
    out.push_back({kv.first, kv.second});
  }
  return out;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus();
}

void FieldViolations::Add(const absl::Status& status, absl::string_view prefix) {
  for (auto& [field, description] : ViolationsOf(status)) {
    Add(prefix.empty() ? field : absl::StrCat(prefix, ".", field), std::move(description));
  }
}

absl::Status WithFieldPrefix(const absl::Status& status, absl::string_view prefix) {
  FieldViolations v;
  v.Add(status, prefix);
  return v.empty() || prefix.empty() ? status : v.ToStatus();
}

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 63 || id.front() == '-' || id.back() == '-') {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string GenerateId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local absl::BitGen gen;
  std::string id(12, 'a');
  for (char& c : id) c = kAlphabet[absl::Uniform(gen, 0u, 36u)];
  return id;
}

std::string IdOrGenerated(const std::string& id, absl::string_view field, FieldViolations& v) {
  if (id.empty()) return GenerateId();
  if (!IsValidId(id)) {
    v.Add(
        std::string(field),
        "must be 1 to 63 lowercase letters, digits or hyphens, not starting or ending with a "
        "hyphen");
  }
  return id;
}

bool IsValidUuid(absl::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

bool IsValidBusinessId(absl::string_view id) {
  if (id.size() != 9 || id[7] != '-' || !AllDigits(id.substr(0, 7)) || !AllDigits(id.substr(8))) {
    return false;
  }
  static constexpr int kWeights[7] = {7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 7; ++i) sum += (id[i] - '0') * kWeights[i];
  const int remainder = sum % 11;
  if (remainder == 1) return false;  // such numbers are never issued
  const int check = remainder == 0 ? 0 : 11 - remainder;
  return id[8] - '0' == check;
}

bool IsValidEmail(absl::string_view email) {
  if (email.size() > 254) return false;
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 || at > 64 ||
      email.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  const absl::string_view local = email.substr(0, at);
  const absl::string_view domain = email.substr(at + 1);
  for (unsigned char c : local) {
    if (c <= ' ' || c >= 0x7f || c == '"' || c == '(' || c == ')' || c == ',' || c == ':' ||
        c == ';' || c == '<' || c == '>' || c == '[' || c == ']' || c == '\\') {
      return false;
    }
  }
  if (local.front() == '.' || local.back() == '.' || absl::StrContains(local, "..")) {
    return false;
  }
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (unsigned char c : label) {
      if (!std::isalnum(c) && c != '-') return false;
    }
  }
  return AllAlpha(labels.back()) && labels.back().size() >= 2;
}

std::optional<std::string> NormalizePhone(absl::string_view phone) {
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c == '+' && i == 0) {
      plus = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  if (!plus) {
    if (absl::StartsWith(digits, "00")) {
      digits.erase(0, 2);  // international prefix
    } else if (absl::StartsWith(digits, "0")) {
      digits = absl::StrCat("358", digits.substr(1));  // Finnish national
    } else {
      return std::nullopt;
    }
  }
  // E.164: country code first (never 0), 8 to 15 digits in all.
  if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') {
    return std::nullopt;
  }
  return absl::StrCat("+", digits);
}

std::optional<std::string> CanonicalLanguageTag(absl::string_view tag) {
  std::vector<std::string> parts = absl::StrSplit(tag, '-');
  if (parts.empty() || parts.size() > 3) return std::nullopt;
  if (parts[0].size() < 2 || parts[0].size() > 3 || !AllAlpha(parts[0])) {
    return std::nullopt;
  }
  absl::AsciiStrToLower(&parts[0]);
  bool seen_script = false;
  bool seen_region = false;
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string& p = parts[i];
    if (p.size() == 4 && AllAlpha(p) && !seen_script && !seen_region) {
      absl::AsciiStrToLower(&p);
      p[0] = absl::ascii_toupper(p[0]);
      seen_script = true;
    } else if (
        !seen_region && ((p.size() == 2 && AllAlpha(p)) || (p.size() == 3 && AllDigits(p)))) {
      absl::AsciiStrToUpper(&p);
      seen_region = true;
    } else {
      return std::nullopt;
    }
  }
  return absl::StrJoin(parts, "-");
}

bool IsValidDate(absl::string_view date) {
  absl::CivilDay day;
  if (date.size() != 10 || !absl::ParseCivilTime(date, &day)) return false;
  return absl::FormatCivilTime(day) == date;
}

void NormalizeExchange(Exchange& e) {
  TrimInPlace(e.display_name);
  TrimInPlace(e.wellbeing_region);
  absl::AsciiStrToUpper(&e.wellbeing_region);
  TrimInPlace(e.default_language);
  absl::AsciiStrToLower(&e.default_language);
  if (e.default_language.empty()) e.default_language = "fi";
  TrimInPlace(e.business_id);
  TrimInPlace(e.contact_email);
  TrimInPlace(e.postal_address);
  TrimInPlace(e.data_protection_officer);
  TrimInPlace(e.contact_name);
  TrimInPlace(e.contact_phone);
  if (auto phone = NormalizePhone(e.contact_phone)) e.contact_phone = *phone;
  // A rule given without its kind or day: the usual one's.
  if (e.pay_rule.kind == PayRuleKind::kUnspecified)
    e.pay_rule.kind = PayRuleKind::kDayOfFollowingMonth;
  if (e.pay_rule.day_of_month == 0) e.pay_rule.day_of_month = PayRule{}.day_of_month;
}

void NormalizeExpert(Expert& e) {
  NormalizePayrollDetails(e);
  TrimInPlace(e.display_name);
  TrimInPlace(e.email);
  TrimInPlace(e.phone);
  if (auto phone = NormalizePhone(e.phone)) e.phone = *phone;
  TrimInPlace(e.home_municipality);
  for (std::string& language : e.languages) {
    TrimInPlace(language);
    if (auto tag = CanonicalLanguageTag(language)) language = *tag;
  }
  for (std::string& m : e.service_municipalities) TrimInPlace(m);
  for (Training& t : e.trainings) {
    TrimInPlace(t.provider);
    TrimInPlace(t.title);
    TrimInPlace(t.completion_date);
    TrimInPlace(t.valid_until);
    TrimInPlace(t.course);
  }
  TrimInPlace(e.record_extract.seen_date);
  TrimInPlace(e.record_extract.seen_by);
  TrimInPlace(e.consent.notice_version);
  if (e.state == ExpertState::kUnspecified) e.state = ExpertState::kActive;
  TrimInPlace(e.preferred_language);
  e.preferred_language = absl::AsciiStrToLower(e.preferred_language);
  if (e.notification_channel == NotificationChannel::kUnspecified) {
    e.notification_channel = NotificationChannel::kEmail;
  }
}

void NormalizeOrganization(Organization& o) {
  TrimInPlace(o.display_name);
  TrimInPlace(o.business_id);
  TrimInPlace(o.municipality);
  TrimInPlace(o.contact_name);
  TrimInPlace(o.contact_email);
  TrimInPlace(o.contact_phone);
  if (auto phone = NormalizePhone(o.contact_phone)) o.contact_phone = *phone;
  if (o.state == OrganizationState::kUnspecified) o.state = OrganizationState::kActive;
}

void ValidateExchange(const Exchange& e, absl::string_view prefix, FieldViolations& v) {
  CheckText(
      e.display_name, Text::kLine, kMaxNameLength, true, FieldPath(prefix, "display_name"), v);
  if (e.wellbeing_region.empty()) {
    v.Add(FieldPath(prefix, "wellbeing_region"), "is required");
  } else if (reference::ReferenceData::Get().FindRegion(e.wellbeing_region) == nullptr) {
    v.Add(
        FieldPath(prefix, "wellbeing_region"),
        "not a wellbeing region code (for example PH, HEL, VS)");
  }
  if (e.default_language != "fi" && e.default_language != "sv" && e.default_language != "en") {
    v.Add(FieldPath(prefix, "default_language"), "must be fi, sv or en");
  }
  CheckBusinessId(e.business_id, FieldPath(prefix, "business_id"), v);
  CheckEmail(e.contact_email, FieldPath(prefix, "contact_email"), v);
  CheckText(
      e.postal_address, Text::kLine, kMaxControllerDetailLength, false,
      FieldPath(prefix, "postal_address"), v);
  CheckText(
      e.data_protection_officer, Text::kLine, kMaxControllerDetailLength, false,
      FieldPath(prefix, "data_protection_officer"), v);
  CheckText(
      e.contact_name, Text::kLine, kMaxNameLength, false, FieldPath(prefix, "contact_name"), v);
  CheckPhone(e.contact_phone, FieldPath(prefix, "contact_phone"), v);
  if (e.travel_buffer_minutes < 0 || e.travel_buffer_minutes > 480) {
    v.Add(FieldPath(prefix, "travel_buffer_minutes"), "must be between 0 and 480");
  }
  if (e.retention_months < 0 || e.retention_months > 120) {
    v.Add(FieldPath(prefix, "retention_months"), "must be between 0 and 120");
  }
  ValidatePayRule(e.pay_rule, FieldPath(prefix, "pay_rule"), v);
  const std::string requirements = FieldPath(prefix, "credential_requirements");
  if (e.credential_requirements.size() > kMaxCredentialRequirements) {
    v.Add(requirements, absl::StrCat("at most ", kMaxCredentialRequirements, " values"));
  }
  for (size_t i = 0; i < e.credential_requirements.size(); ++i) {
    ValidateCredentialRequirement(e.credential_requirements[i], Indexed(requirements, i), v);
  }
}

void ValidateExpert(const Expert& e, absl::Time now, absl::string_view prefix, FieldViolations& v) {
  CheckText(
      e.display_name, Text::kLine, kMaxNameLength, true, FieldPath(prefix, "display_name"), v);
  CheckEmail(e.email, FieldPath(prefix, "email"), v);
  CheckPhone(e.phone, FieldPath(prefix, "phone"), v);
  if (e.email.empty() && e.phone.empty()) {
    v.Add(FieldPath(prefix, "email"), "an e-mail address or a phone number is required");
  }
  CheckMunicipality(e.home_municipality, true, FieldPath(prefix, "home_municipality"), v);

  const std::string languages = FieldPath(prefix, "languages");
  if (e.languages.empty()) v.Add(languages, "at least one language is required");
  if (e.languages.size() > kMaxListLength) {
    v.Add(languages, absl::StrCat("at most ", kMaxListLength, " values"));
  }
  for (size_t i = 0; i < e.languages.size(); ++i) {
    if (!CanonicalLanguageTag(e.languages[i])) {
      v.Add(Indexed(languages, i), "not a BCP-47 language tag such as fi, sv or en");
    } else if (
        std::find(e.languages.begin(), e.languages.begin() + i, e.languages[i]) !=
        e.languages.begin() + i) {
      v.Add(Indexed(languages, i), "duplicate value");
    }
  }
  CheckEnumList(e.experience_areas, true, FieldPath(prefix, "experience_areas"), v);
  CheckEnumList(e.roles, true, FieldPath(prefix, "roles"), v);

  const std::string trainings = FieldPath(prefix, "trainings");
  if (e.trainings.size() > kMaxListLength) {
    v.Add(trainings, absl::StrCat("at most ", kMaxListLength, " values"));
  }
  const absl::CivilDay today = absl::ToCivilDay(now, absl::UTCTimeZone()) + 1;
  for (size_t i = 0; i < e.trainings.size(); ++i) {
    const Training& t = e.trainings[i];
    const std::string at = Indexed(trainings, i);
    CheckText(t.provider, Text::kLine, kMaxNameLength, true, absl::StrCat(at, ".provider"), v);
    CheckText(t.title, Text::kLine, kMaxNameLength, true, absl::StrCat(at, ".title"), v);
    absl::CivilDay day;
    if (!IsValidDate(t.completion_date) || !absl::ParseCivilTime(t.completion_date, &day)) {
      v.Add(absl::StrCat(at, ".completion_date"), "must be a date YYYY-MM-DD");
    } else if (day > today) {
      v.Add(absl::StrCat(at, ".completion_date"), "must not be in the future");
    }
    if (static_cast<size_t>(t.kind) >= EnumNames<CourseKind>().size()) {
      v.Add(absl::StrCat(at, ".kind"), "must be BASIC, FURTHER, PEER_MENTOR or OTHER");
    }
    absl::CivilDay until;
    if (t.valid_until.empty()) {
    } else if (!IsValidDate(t.valid_until) || !absl::ParseCivilTime(t.valid_until, &until)) {
      v.Add(absl::StrCat(at, ".valid_until"), "must be a date YYYY-MM-DD");
    } else if (IsValidDate(t.completion_date) && until < day) {
      v.Add(absl::StrCat(at, ".valid_until"), "must not be before completion_date");
    }
    if (!t.course.empty() && !ParseCourseName(t.course, "").ok()) {
      v.Add(
          absl::StrCat(at, ".course"),
          "must be a resource name exchanges/{exchange}/courses/{course}");
    }
  }
  const std::string extract = FieldPath(prefix, "criminal_record_extract_seen");
  if (!e.record_extract.seen_date.empty() || !e.record_extract.seen_by.empty()) {
    absl::CivilDay seen;
    if (!IsValidDate(e.record_extract.seen_date) ||
        !absl::ParseCivilTime(e.record_extract.seen_date, &seen)) {
      v.Add(absl::StrCat(extract, ".seen_date"), "must be a date YYYY-MM-DD");
    } else if (seen > today) {
      v.Add(absl::StrCat(extract, ".seen_date"), "must not be in the future");
    }
    CheckText(
        e.record_extract.seen_by, Text::kLine, kMaxNameLength, true,
        absl::StrCat(extract, ".seen_by"), v);
  }

  const std::string services = FieldPath(prefix, "service_municipalities");
  if (e.service_municipalities.size() > 400) v.Add(services, "at most 400 values");
  for (size_t i = 0; i < e.service_municipalities.size(); ++i) {
    CheckMunicipality(e.service_municipalities[i], true, Indexed(services, i), v);
    if (std::find(
            e.service_municipalities.begin(), e.service_municipalities.begin() + i,
            e.service_municipalities[i]) != e.service_municipalities.begin() + i) {
      v.Add(Indexed(services, i), "duplicate value");
    }
  }
  if (e.max_travel_km < 0 || e.max_travel_km > 1000) {
    v.Add(FieldPath(prefix, "max_travel_km"), "must be between 0 and 1000");
  }

  const std::string windows = FieldPath(prefix, "weekly_availability");
  if (e.weekly_availability.size() > kMaxListLength) {
    v.Add(windows, absl::StrCat("at most ", kMaxListLength, " values"));
  }
  for (size_t i = 0; i < e.weekly_availability.size(); ++i) {
    const WeeklyWindow& w = e.weekly_availability[i];
    const std::string at = Indexed(windows, i);
    CheckRequiredEnum(w.day, absl::StrCat(at, ".day"), v);
    if (w.start_minute < 0 || w.start_minute > 1439) {
      v.Add(absl::StrCat(at, ".start_minute"), "must be between 0 and 1439");
    }
    if (w.end_minute < 1 || w.end_minute > 1440) {
      v.Add(absl::StrCat(at, ".end_minute"), "must be between 1 and 1440");
    } else if (w.end_minute <= w.start_minute) {
      v.Add(absl::StrCat(at, ".end_minute"), "must be after start_minute");
    }
  }

  const std::string periods = FieldPath(prefix, "unavailable_periods");
  if (e.unavailable_periods.size() > 200) v.Add(periods, "at most 200 values");
  for (size_t i = 0; i < e.unavailable_periods.size(); ++i) {
    const Period& p = e.unavailable_periods[i];
    const std::string at = Indexed(periods, i);
    if (p.start_time == absl::UnixEpoch()) {
      v.Add(absl::StrCat(at, ".start_time"), "is required");
    }
    if (p.end_time <= p.start_time) {
      v.Add(absl::StrCat(at, ".end_time"), "must be after start_time");
    }
  }

  if (e.max_assignments_per_month < 0 || e.max_assignments_per_month > 100) {
    v.Add(FieldPath(prefix, "max_assignments_per_month"), "must be between 0 and 100");
  }
  if (e.monthly_earnings_limit_cents < 0 || e.monthly_earnings_limit_cents > 100'000'000) {
    v.Add(
        FieldPath(prefix, "monthly_earnings_limit_cents"),
        "must be between 0 and 100000000 (1 000 000 euros)");
  }
  ValidateBenefitLimit(e, prefix, v);
  ValidatePayrollDetails(e, FieldPath(prefix, "payroll"), v);
  CheckRequiredEnum(e.payment_method, FieldPath(prefix, "payment_method"), v);
  CheckRequiredEnum(e.state, FieldPath(prefix, "state"), v);
  if (!e.preferred_language.empty() && e.preferred_language != "fi" &&
      e.preferred_language != "sv" && e.preferred_language != "en") {
    v.Add(FieldPath(prefix, "preferred_language"), "must be fi, sv or en (or empty)");
  }
  if (!IsKnown(e.notification_channel)) {
    v.Add(FieldPath(prefix, "notification_channel"), "unknown enum value");
  }
  if (e.notification_channel == NotificationChannel::kSms && e.phone.empty()) {
    v.Add(FieldPath(prefix, "notification_channel"), "SMS needs a phone number");
  }

  const bool has_consent_time = e.consent.given_time != absl::UnixEpoch();
  if (has_consent_time || !e.consent.notice_version.empty()) {
    if (!has_consent_time) {
      v.Add(FieldPath(prefix, "consent.given_time"), "is required with notice_version");
    } else if (e.consent.given_time > now + absl::Minutes(5)) {
      v.Add(FieldPath(prefix, "consent.given_time"), "must not be in the future");
    }
    CheckText(
        e.consent.notice_version, Text::kLine, 40, true,
        FieldPath(prefix, "consent.notice_version"), v);
  }
}

void ValidateOrganization(const Organization& o, absl::string_view prefix, FieldViolations& v) {
  CheckText(
      o.display_name, Text::kLine, kMaxNameLength, true, FieldPath(prefix, "display_name"), v);
  CheckBusinessId(o.business_id, FieldPath(prefix, "business_id"), v);
  CheckRequiredEnum(o.sector, FieldPath(prefix, "sector"), v);
  CheckRequiredEnum(o.kind, FieldPath(prefix, "kind"), v);
  CheckMunicipality(o.municipality, true, FieldPath(prefix, "municipality"), v);
  CheckText(
      o.contact_name, Text::kLine, kMaxNameLength, false, FieldPath(prefix, "contact_name"), v);
  CheckEmail(o.contact_email, FieldPath(prefix, "contact_email"), v);
  CheckPhone(o.contact_phone, FieldPath(prefix, "contact_phone"), v);
  CheckRequiredEnum(o.state, FieldPath(prefix, "state"), v);
}

}  // namespace kokemus::domain
