#include "services/domain/listing.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/domain/enum_names.h"
#include "services/domain/matching.h"
#include "services/domain/validation.h"
#include "services/reference/reference_data.h"

namespace kokemus::domain {
namespace {

constexpr absl::string_view kTokenVersion = "kokemus-page-v2";

template <typename E>
FilterField EnumField(absl::string_view name) {
  return {name, [](absl::string_view value) -> std::optional<std::string> {
            if (auto e = ParseEnum<E>(value)) return std::string(EnumName(*e));
            return std::nullopt;
          }};
}

FilterField MunicipalityField(absl::string_view name) {
  return {name, [](absl::string_view value) -> std::optional<std::string> {
            const reference::ReferenceData& ref = reference::ReferenceData::Get();
            if (const reference::Municipality* m = ref.FindMunicipality(value)) return m->code;
            if (const reference::Municipality* m = ref.FindMunicipalityByName(value)) {
              return m->code;
            }
            return std::nullopt;
          }};
}

template <typename T>
using Copier = void (*)(const T&, T&);

template <typename T>
absl::Status ApplyMask(
    const T& patch, const UpdateMask& mask,
    const std::vector<std::pair<absl::string_view, Copier<T>>>& fields, T& target,
    std::vector<std::string>* applied) {
  const std::vector<std::string>& paths = mask.paths;
  if (paths.size() == 1 && paths[0] == "*") {
    for (const auto& [name, copy] : fields) copy(patch, target);
    if (applied != nullptr) *applied = {"*"};
    return absl::OkStatus();
  }
  auto find = [&](absl::string_view path) {
    return std::find_if(
        fields.begin(), fields.end(), [&](const auto& f) { return f.first == path; });
  };
  std::vector<std::string> selected;
  if (paths.empty()) {
    for (const std::string& field : mask.set_fields) {
      if (find(field) != fields.end()) selected.push_back(field);
    }
  } else {
    FieldViolations violations;
    for (size_t i = 0; i < paths.size(); ++i) {
      if (find(paths[i]) == fields.end()) {
        violations.Add(
            absl::StrCat("update_mask.paths[", i, "]"),
            paths[i] == "*" ? "\"*\" must be the only path" : "not an updatable field");
      } else {
        selected.push_back(paths[i]);
      }
    }
    if (!violations.empty()) return violations.ToStatus();
  }
  for (const std::string& path : selected) find(path)->second(patch, target);
  if (applied != nullptr) *applied = std::move(selected);
  return absl::OkStatus();
}

#define KOKEMUS_FIELD(T, f)                         \
  {                                                 \
#f, [](const T& from, T& to) { to.f = from.f; } \
  }

}  // namespace

absl::StatusOr<std::string> ParseExchangeName(absl::string_view name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 || parts[0] != "exchanges" || !IsValidId(parts[1])) {
    return InvalidField(std::string(field), "must be a resource name exchanges/{exchange}");
  }
  return std::string(parts[1]);
}

absl::StatusOr<ChildName> ParseChildName(
    absl::string_view name, absl::string_view collection, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "exchanges" || !IsValidId(parts[1]) ||
      parts[2] != collection || !IsValidId(parts[3])) {
    return InvalidField(
        std::string(field),
        absl::StrCat("must be a resource name exchanges/{exchange}/", collection, "/{id}"));
  }
  return ChildName{std::string(parts[1]), std::string(parts[3])};
}

std::string ExchangeName(absl::string_view exchange_id) {
  return absl::StrCat("exchanges/", exchange_id);
}

std::string ChildResourceName(
    absl::string_view exchange_id, absl::string_view collection, absl::string_view id) {
  return absl::StrCat("exchanges/", exchange_id, "/", collection, "/", id);
}

std::string ApiKeyName(absl::string_view exchange_id, absl::string_view key_id) {
  return exchange_id.empty() ? absl::StrCat("apiKeys/", key_id)
                             : ChildResourceName(exchange_id, "apiKeys", key_id);
}

absl::StatusOr<ChildName> ParseApiKeyName(absl::string_view name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() == 2 && parts[0] == "apiKeys" && IsValidId(parts[1])) {
    return ChildName{"", std::string(parts[1])};
  }
  if (parts.size() == 4 && parts[0] == "exchanges" && IsValidId(parts[1]) &&
      parts[2] == "apiKeys" && IsValidId(parts[3])) {
    return ChildName{std::string(parts[1]), std::string(parts[3])};
  }
  return InvalidField(
      std::string(field), "must be apiKeys/{key} or exchanges/{exchange}/apiKeys/{key}");
}

std::vector<FilterField> ExchangeFilterFields() {
  return {{"wellbeing_region", [](absl::string_view value) -> std::optional<std::string> {
             std::string code = absl::AsciiStrToUpper(value);
             if (reference::ReferenceData::Get().FindRegion(code)) return code;
             return std::nullopt;
           }}};
}

std::vector<FilterField> ExpertFilterFields() {
  return {
      EnumField<ExpertState>("state"), MunicipalityField("home_municipality"),
      EnumField<PaymentMethod>("payment_method")};
}

std::vector<FilterField> OrganizationFilterFields() {
  return {
      EnumField<Sector>("sector"), EnumField<OrganizationKind>("kind"),
      MunicipalityField("municipality"), EnumField<OrganizationState>("state")};
}

// An id, or the last segment of a resource name of `collection`.
FilterField ReferenceField(absl::string_view name, absl::string_view collection) {
  return {name, [collection](absl::string_view value) -> std::optional<std::string> {
            if (IsValidId(value)) return std::string(value);
            auto child = ParseChildName(value, collection, "filter");
            if (child.ok()) return child->id;
            return std::nullopt;
          }};
}

std::vector<FilterField> OrderFilterFields() {
  FilterField start{
      "start_time",
      [](absl::string_view value) -> std::optional<std::string> {
        absl::Time t;
        std::string error;
        if (!absl::ParseTime(absl::RFC3339_full, value, &t, &error)) {
          return std::nullopt;
        }
        return absl::StrCat(absl::ToUnixMicros(t));
      },
      true};
  return {EnumField<OrderState>("state"), ReferenceField("organization", "organizations"), start};
}

std::vector<FilterField> AssignmentFilterFields() {
  return {EnumField<AssignmentState>("state"), ReferenceField("expert", "experts")};
}

absl::StatusOr<std::vector<FilterTerm>> ParseFilter(
    absl::string_view filter, const std::vector<FilterField>& fields) {
  std::vector<FilterTerm> terms;
  if (absl::StripAsciiWhitespace(filter).empty()) return terms;
  if (filter.size() > kMaxFilterLength) {
    return InvalidField("filter", absl::StrCat("at most ", kMaxFilterLength, " characters"));
  }
  std::string allowed;
  for (const FilterField& f : fields) {
    absl::StrAppend(&allowed, allowed.empty() ? "" : ", ", f.name);
  }
  const std::vector<absl::string_view> split = absl::StrSplit(filter, " AND ");
  if (split.size() > kMaxFilterTerms) {
    return InvalidField("filter", absl::StrCat("at most ", kMaxFilterTerms, " terms"));
  }
  for (absl::string_view term : split) {
    std::string op = "=";
    size_t at = term.find(">=");
    if (at != absl::string_view::npos) {
      op = ">=";
    } else if ((at = term.find('<')) != absl::string_view::npos) {
      op = "<";
    } else {
      at = term.find('=');
    }
    if (at == absl::string_view::npos) {
      return InvalidField("filter", "must be terms field = value joined with AND");
    }
    absl::string_view name = absl::StripAsciiWhitespace(term.substr(0, at));
    absl::string_view value = absl::StripAsciiWhitespace(term.substr(at + op.size()));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (name.empty() || value.empty()) {
      return InvalidField("filter", "must be terms field = value joined with AND");
    }
    auto field = std::find_if(
        fields.begin(), fields.end(), [&](const FilterField& f) { return f.name == name; });
    if (field == fields.end()) {
      return InvalidField("filter", absl::StrCat("can filter only by ", allowed));
    }
    if (op != "=" && !field->ordered) {
      return InvalidField("filter", absl::StrCat(field->name, " takes only ="));
    }
    auto canonical = field->canonical(value);
    if (!canonical) {
      return InvalidField("filter", absl::StrCat("not a valid value for ", field->name));
    }
    terms.push_back({std::string(name), *std::move(canonical), op});
  }
  return terms;
}

absl::StatusOr<ListQuery> ParseListQuery(
    absl::string_view scope, absl::string_view collection, int page_size,
    absl::string_view page_token, absl::string_view filter,
    const std::vector<FilterField>& fields) {
  ListQuery query;
  query.scope = std::string(scope);
  query.collection = std::string(collection);
  query.filter = std::string(filter);
  if (page_size < 0) return InvalidField("page_size", "must not be negative");
  query.page_size = page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  auto terms = ParseFilter(filter, fields);
  if (!terms.ok()) return terms.status();
  query.terms = *std::move(terms);
  if (!page_token.empty()) {
    std::string decoded;
    std::vector<std::string> parts;
    if (absl::WebSafeBase64Unescape(page_token, &decoded)) {
      parts = absl::StrSplit(decoded, '\n');
    }
    // Each part is C-escaped (a parent or filter may hold any byte, a
    // newline too; the fuzzer found one).
    for (std::string& part : parts) {
      std::string raw;
      if (!absl::CUnescape(part, &raw)) {
        return InvalidField("page_token", "not a page token from this service");
      }
      part = std::move(raw);
    }
    if (parts.size() != 5 || parts[0] != kTokenVersion || parts[4].empty()) {
      return InvalidField("page_token", "not a page token from this service");
    }
    if (parts[1] != collection) {
      return InvalidField(
          "page_token", absl::StrCat("is not a page token of a list of ", collection));
    }
    if (parts[2] != scope || parts[3] != filter) {
      return InvalidField("page_token", "belongs to a request with another parent or filter");
    }
    query.after_id = parts[4];
  }
  return query;
}

std::string NextPageToken(const ListQuery& query, absl::string_view cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat(
      kTokenVersion, "\n", absl::CEscape(query.collection), "\n", absl::CEscape(query.scope), "\n",
      absl::CEscape(query.filter), "\n", absl::CEscape(cursor)));
}

absl::StatusOr<AssignmentName> ParseAssignmentName(
    absl::string_view name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 6 || parts[0] != "exchanges" || !IsValidId(parts[1]) ||
      parts[2] != "orders" || !IsValidId(parts[3]) || parts[4] != "assignments" ||
      !IsValidId(parts[5])) {
    return InvalidField(
        std::string(field),
        "must be a resource name "
        "exchanges/{exchange}/orders/{order}/assignments/{assignment}");
  }
  return AssignmentName{std::string(parts[1]), std::string(parts[3]), std::string(parts[5])};
}

absl::StatusOr<CourseName> ParseCourseName(absl::string_view name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "exchanges" || !IsValidId(parts[1]) ||
      parts[2] != "courses" || !IsValidId(parts[3])) {
    return InvalidField(
        std::string(field), "must be a resource name exchanges/{exchange}/courses/{course}");
  }
  return CourseName{std::string(parts[1]), std::string(parts[3])};
}

absl::StatusOr<TraineeName> ParseTraineeName(absl::string_view name, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 6 || parts[0] != "exchanges" || !IsValidId(parts[1]) ||
      parts[2] != "courses" || !IsValidId(parts[3]) || parts[4] != "trainees" ||
      !IsValidId(parts[5])) {
    return InvalidField(
        std::string(field),
        "must be a resource name exchanges/{exchange}/courses/{course}/trainees/{trainee}");
  }
  return TraineeName{std::string(parts[1]), std::string(parts[3]), std::string(parts[5])};
}

std::string FormatCourseName(absl::string_view exchange_id, absl::string_view course_id) {
  return absl::StrCat("exchanges/", exchange_id, "/courses/", course_id);
}

std::string FormatTraineeName(
    absl::string_view exchange_id, absl::string_view course_id, absl::string_view trainee_id) {
  return absl::StrCat(FormatCourseName(exchange_id, course_id), "/trainees/", trainee_id);
}

absl::StatusOr<int64_t> ParseEtag(absl::string_view etag, absl::string_view field) {
  if (etag.empty()) return 0;
  int64_t revision = 0;
  absl::string_view digits = etag;
  if (!absl::ConsumePrefix(&digits, "\"") || !absl::ConsumeSuffix(&digits, "\"") ||
      !absl::SimpleAtoi(digits, &revision) || revision < 0) {
    return InvalidField(
        std::string(field),
        "is not an etag this service gave: give it back as read, with its quotes (\"3\")");
  }
  return revision;
}

std::string FormatEtag(int64_t revision) { return absl::StrCat("\"", revision, "\""); }

absl::Status CheckEtag(absl::string_view etag, int64_t revision, absl::string_view field) {
  if (etag.empty() || etag == FormatEtag(revision)) return absl::OkStatus();
  if (auto parsed = ParseEtag(etag, field); !parsed.ok()) return parsed.status();
  return absl::AbortedError(
      "etag does not match: the resource changed since it was read; read it "
      "again and retry");
}

absl::Status ApplyExchangeMask(
    const Exchange& patch, const UpdateMask& mask, Exchange& target,
    std::vector<std::string>* applied) {
  static const std::vector<std::pair<absl::string_view, Copier<Exchange>>> kFields = {
      KOKEMUS_FIELD(Exchange, display_name),
      KOKEMUS_FIELD(Exchange, wellbeing_region),
      KOKEMUS_FIELD(Exchange, default_language),
      KOKEMUS_FIELD(Exchange, business_id),
      KOKEMUS_FIELD(Exchange, contact_email),
      KOKEMUS_FIELD(Exchange, travel_buffer_minutes),
      KOKEMUS_FIELD(Exchange, retention_months),
      KOKEMUS_FIELD(Exchange, postal_address),
      KOKEMUS_FIELD(Exchange, data_protection_officer),
      KOKEMUS_FIELD(Exchange, contact_name),
      KOKEMUS_FIELD(Exchange, contact_phone),
      KOKEMUS_FIELD(Exchange, pay_rule),
      KOKEMUS_FIELD(Exchange, pay_rule.kind),
      KOKEMUS_FIELD(Exchange, pay_rule.day_of_month),
      KOKEMUS_FIELD(Exchange, pay_rule.days_after),
      KOKEMUS_FIELD(Exchange, credential_requirements)};
  return ApplyMask(patch, mask, kFields, target, applied);
}

namespace {

// The identity code is input only: a whole `payroll` keeps the stored one
// unless a new one is sent; its own path with "" erases it.
void CopyPayroll(const Expert& from, Expert& to) {
  to.payroll.withholding_permille = from.payroll.withholding_permille;
  if (!from.payroll.identity_code.empty()) to.payroll.identity_code = from.payroll.identity_code;
}
void CopyIdentityCode(const Expert& from, Expert& to) {
  to.payroll.identity_code = from.payroll.identity_code;
  if (from.payroll.identity_code.empty()) to.payroll.identity_code_sealed.clear();
}
void CopyWithholding(const Expert& from, Expert& to) {
  to.payroll.withholding_permille = from.payroll.withholding_permille;
}
void OutputOnly(const Expert&, Expert&) {}
// The API's name for `record_extract`.
void CopyRecordExtract(const Expert& from, Expert& to) { to.record_extract = from.record_extract; }
void CopyRecordExtractDate(const Expert& from, Expert& to) {
  to.record_extract.seen_date = from.record_extract.seen_date;
}
void CopyRecordExtractBy(const Expert& from, Expert& to) {
  to.record_extract.seen_by = from.record_extract.seen_by;
}

}  // namespace

absl::Status ApplyExpertMask(
    const Expert& patch, const UpdateMask& mask, Expert& target,
    std::vector<std::string>* applied) {
  static const std::vector<std::pair<absl::string_view, Copier<Expert>>> kFields = {
      KOKEMUS_FIELD(Expert, display_name),
      KOKEMUS_FIELD(Expert, email),
      KOKEMUS_FIELD(Expert, phone),
      KOKEMUS_FIELD(Expert, home_municipality),
      KOKEMUS_FIELD(Expert, languages),
      KOKEMUS_FIELD(Expert, experience_areas),
      KOKEMUS_FIELD(Expert, roles),
      KOKEMUS_FIELD(Expert, trainings),
      KOKEMUS_FIELD(Expert, service_municipalities),
      KOKEMUS_FIELD(Expert, max_travel_km),
      KOKEMUS_FIELD(Expert, remote_ok),
      KOKEMUS_FIELD(Expert, weekly_availability),
      KOKEMUS_FIELD(Expert, unavailable_periods),
      KOKEMUS_FIELD(Expert, max_assignments_per_month),
      KOKEMUS_FIELD(Expert, monthly_earnings_limit_cents),
      KOKEMUS_FIELD(Expert, payment_method),
      KOKEMUS_FIELD(Expert, state),
      KOKEMUS_FIELD(Expert, consent),
      KOKEMUS_FIELD(Expert, consent.given_time),
      KOKEMUS_FIELD(Expert, consent.notice_version),
      KOKEMUS_FIELD(Expert, preferred_language),
      KOKEMUS_FIELD(Expert, notification_channel),
      KOKEMUS_FIELD(Expert, essential_messages_only),
      KOKEMUS_FIELD(Expert, benefit_limit),
      KOKEMUS_FIELD(Expert, benefit_limit.kind),
      KOKEMUS_FIELD(Expert, benefit_limit.earlier_monthly_income_cents),
      KOKEMUS_FIELD(Expert, benefit_limit.earlier_income_percent),
      KOKEMUS_FIELD(Expert, benefit_limit.yearly_limit_cents),
      {"criminal_record_extract_seen", CopyRecordExtract},
      {"criminal_record_extract_seen.seen_date", CopyRecordExtractDate},
      {"criminal_record_extract_seen.seen_by", CopyRecordExtractBy},
      {"payroll", CopyPayroll},
      {"payroll.identity_code", CopyIdentityCode},
      {"payroll.identity_code_recorded", OutputOnly},
      {"payroll.withholding_percent", CopyWithholding}};
  return ApplyMask(patch, mask, kFields, target, applied);
}

absl::Status ApplyOrderMask(
    const Order& patch, const UpdateMask& mask, Order& target, std::vector<std::string>* applied) {
  static const std::vector<std::pair<absl::string_view, Copier<Order>>> kFields = {
      {"organization",
       [](const Order& from, Order& to) { to.organization_id = from.organization_id; }},
      KOKEMUS_FIELD(Order, role),
      KOKEMUS_FIELD(Order, topic),
      KOKEMUS_FIELD(Order, audience),
      KOKEMUS_FIELD(Order, audience_size),
      KOKEMUS_FIELD(Order, start_time),
      KOKEMUS_FIELD(Order, duration_minutes),
      KOKEMUS_FIELD(Order, preparation_minutes),
      KOKEMUS_FIELD(Order, remote),
      KOKEMUS_FIELD(Order, address),
      KOKEMUS_FIELD(Order, municipality),
      KOKEMUS_FIELD(Order, language),
      KOKEMUS_FIELD(Order, experience_areas),
      KOKEMUS_FIELD(Order, experts_needed),
      KOKEMUS_FIELD(Order, notes)};
  return ApplyMask(patch, mask, kFields, target, applied);
}

absl::Status ApplyOrganizationMask(
    const Organization& patch, const UpdateMask& mask, Organization& target,
    std::vector<std::string>* applied) {
  static const std::vector<std::pair<absl::string_view, Copier<Organization>>> kFields = {
      KOKEMUS_FIELD(Organization, display_name),  KOKEMUS_FIELD(Organization, business_id),
      KOKEMUS_FIELD(Organization, sector),        KOKEMUS_FIELD(Organization, kind),
      KOKEMUS_FIELD(Organization, municipality),  KOKEMUS_FIELD(Organization, contact_name),
      KOKEMUS_FIELD(Organization, contact_email), KOKEMUS_FIELD(Organization, contact_phone),
      KOKEMUS_FIELD(Organization, state)};
  return ApplyMask(patch, mask, kFields, target, applied);
}

absl::Status ApplyMatchingSettingsMask(
    const MatchingSettings& patch, const UpdateMask& mask, MatchingSettings& target) {
  using S = MatchingSettings;
  static const std::vector<std::pair<absl::string_view, Copier<S>>> kFields = {
      {"weights",
       [](const S& from, S& to) {
    to.weight_experience = from.weight_experience;
    to.weight_role = from.weight_role;
    to.weight_travel = from.weight_travel;
    to.weight_fairness = from.weight_fairness;
    to.weight_preferred = from.weight_preferred;
    to.weight_feedback = from.weight_feedback;
       }},
      {"weights.experience",
       [](const S& from, S& to) { to.weight_experience = from.weight_experience; }},
      {"weights.role", [](const S& from, S& to) { to.weight_role = from.weight_role; }},
      {"weights.travel", [](const S& from, S& to) { to.weight_travel = from.weight_travel; }},
      {"weights.fairness", [](const S& from, S& to) { to.weight_fairness = from.weight_fairness; }},
      {"weights.preferred",
       [](const S& from, S& to) { to.weight_preferred = from.weight_preferred; }},
      {"weights.feedback", [](const S& from, S& to) { to.weight_feedback = from.weight_feedback; }},
      {"rest_after_heavy_hours",
       [](const S& from, S& to) { to.rest_after_heavy = from.rest_after_heavy; }},
      KOKEMUS_FIELD(S, offer_strategy),
      KOKEMUS_FIELD(S, round_size),
      {"tier_interval_minutes",
       [](const S& from, S& to) { to.tier_interval = from.tier_interval; }},
      {"answer_window_minutes",
       [](const S& from, S& to) { to.answer_window = from.answer_window; }}};
  return ApplyMask(patch, mask, kFields, target, nullptr);
}

}  // namespace kokemus::domain
