#include "services/domain/credentials.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/domain/enum_names.h"
#include "services/domain/field_checks.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

constexpr size_t kMaxText = 200;

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

bool KnownKind(CredentialKind k) {
  return k == CredentialKind::kTraining || k == CredentialKind::kCriminalRecordExtractSeen;
}
bool KnownCourse(CourseKind c) {
  return static_cast<int>(c) > 0 && static_cast<size_t>(c) < EnumNames<CourseKind>().size();
}

// The course rule shared by credentials and requirements.
void CheckCourse(
    CredentialKind kind, CourseKind course, absl::string_view prefix, FieldViolations& v) {
  if (!KnownKind(kind)) {
    v.Add(absl::StrCat(prefix, ".kind"), "must be TRAINING or CRIMINAL_RECORD_EXTRACT_SEEN");
    return;
  }
  if (kind == CredentialKind::kTraining && !KnownCourse(course)) {
    v.Add(absl::StrCat(prefix, ".course"), "must be BASIC, FURTHER, PEER_MENTOR or OTHER");
  }
  if (kind != CredentialKind::kTraining && course != CourseKind::kUnspecified) {
    v.Add(absl::StrCat(prefix, ".course"), "is only for a TRAINING");
  }
}

// "LECTURER tasks at EDUCATIONAL_INSTITUTION, within 12 months"
std::string Scope(const CredentialRequirement& r) {
  std::vector<std::string> roles, kinds;
  for (Role role : r.roles) roles.emplace_back(EnumName(role));
  for (OrganizationKind kind : r.orderer_kinds) kinds.emplace_back(EnumName(kind));
  std::string scope = absl::StrCat(
      "required for ", roles.empty() ? "all" : absl::StrJoin(roles, "/"), " tasks",
      kinds.empty() ? "" : absl::StrCat(" at ", absl::StrJoin(kinds, "/")));
  if (r.max_age_months > 0) absl::StrAppend(&scope, ", within ", r.max_age_months, " months");
  return scope;
}

bool SameKind(const Credential& c, const CredentialRequirement& r) {
  return c.kind == r.kind && (c.kind != CredentialKind::kTraining || c.course == r.course);
}

}  // namespace

std::vector<Credential> ExpertCredentials(const Expert& expert) {
  std::vector<Credential> out;
  auto day = [](const std::string& text) -> std::optional<absl::CivilDay> {
    absl::CivilDay d;
    if (text.size() != 10 || !absl::ParseCivilTime(text, &d)) return std::nullopt;
    return d;
  };
  for (const Training& t : expert.trainings) {
    const auto from = day(t.completion_date);
    if (t.kind == CourseKind::kUnspecified || !from) continue;
    Credential c;
    c.kind = CredentialKind::kTraining;
    c.course = t.kind;
    c.title = t.title;
    c.valid_from = *from;
    c.valid_until = day(t.valid_until);
    out.push_back(std::move(c));
  }
  if (const auto seen = day(expert.record_extract.seen_date)) {
    Credential c;
    c.kind = CredentialKind::kCriminalRecordExtractSeen;
    c.valid_from = *seen;
    c.seen_by = expert.record_extract.seen_by;
    out.push_back(std::move(c));
  }
  return out;
}

std::string CredentialLabel(CredentialKind kind, CourseKind course, absl::string_view language) {
  const int l = language == "sv" ? 1 : language == "en" ? 2 : 0;
  if (kind == CredentialKind::kCriminalRecordExtractSeen) {
    static constexpr absl::string_view kExtract[] = {
        "Rikosrekisteriotteen tarkastus", "Kontrollen av straffregisterutdraget",
        "The criminal-record extract check"};
    return std::string(kExtract[l]);
  }
  static constexpr absl::string_view kCourse[][3] = {
      {"Koulutus", "Utbildningen", "The training"},
      {"Kokemusasiantuntijakoulutus", "Grundutbildningen för erfarenhetsexperter",
       "The basic expert-by-experience training"},
      {"Jatkokoulutus", "Fortbildningen", "The further training"},
      {"Vertaisohjaajakoulutus", "Kamratledarutbildningen", "The peer-mentor training"},
      {"Koulutus", "Utbildningen", "The training"}};
  return std::string(kCourse[KnownCourse(course) ? static_cast<int>(course) : 0][l]);
}

std::string CredentialName(CredentialKind kind, CourseKind course) {
  if (kind == CredentialKind::kCriminalRecordExtractSeen) return "criminal-record extract seen";
  return absl::StrCat(EnumName(course), " training");
}

void ValidateCredential(const Credential& c, absl::string_view prefix, FieldViolations& v) {
  CheckCourse(c.kind, c.course, prefix, v);
  if (c.valid_from < absl::CivilDay(1950, 1, 1)) {
    v.Add(absl::StrCat(prefix, ".valid_from"), "must be a date YYYY-MM-DD from 1950 on");
  }
  if (c.valid_until && *c.valid_until < c.valid_from) {
    v.Add(absl::StrCat(prefix, ".valid_until"), "must not be before valid_from");
  }
  if (c.kind == CredentialKind::kCriminalRecordExtractSeen) {
    CheckText(c.seen_by, Text::kLine, kMaxText, true, FieldPath(prefix, "seen_by"), v);
  } else if (!c.seen_by.empty()) {
    v.Add(FieldPath(prefix, "seen_by"), "is only for CRIMINAL_RECORD_EXTRACT_SEEN");
  }
  CheckText(c.title, Text::kLine, kMaxText, false, FieldPath(prefix, "title"), v);
}

void ValidateCredentialRequirement(
    const CredentialRequirement& r, absl::string_view prefix, FieldViolations& v) {
  CheckCourse(r.kind, r.course, prefix, v);
  for (size_t i = 0; i < r.roles.size(); ++i) {
    if (!IsKnown(r.roles[i]) || r.roles[i] == Role::kUnspecified) {
      v.Add(absl::StrCat(prefix, ".roles[", i, "]"), "unknown role");
    }
  }
  for (size_t i = 0; i < r.orderer_kinds.size(); ++i) {
    if (!IsKnown(r.orderer_kinds[i]) || r.orderer_kinds[i] == OrganizationKind::kUnspecified) {
      v.Add(absl::StrCat(prefix, ".orderer_kinds[", i, "]"), "unknown organization kind");
    }
  }
  if (r.max_age_months < 0 || r.max_age_months > kMaxCredentialAgeMonths) {
    v.Add(
        absl::StrCat(prefix, ".max_age_months"),
        absl::StrCat("must be from 0 (no age limit) to ", kMaxCredentialAgeMonths));
  }
}

bool Applies(const CredentialRequirement& r, Role role, OrganizationKind kind) {
  const bool role_ok =
      r.roles.empty() || std::find(r.roles.begin(), r.roles.end(), role) != r.roles.end();
  const bool kind_ok =
      r.orderer_kinds.empty() ||
      std::find(r.orderer_kinds.begin(), r.orderer_kinds.end(), kind) != r.orderer_kinds.end();
  return role_ok && kind_ok;
}

std::optional<absl::CivilDay> LastValidDay(const Credential& c, const CredentialRequirement& r) {
  if (!SameKind(c, r)) return std::nullopt;
  std::optional<absl::CivilDay> last = c.valid_until;
  if (r.max_age_months > 0) {
    // The same day of the month max_age_months later (a short month's end
    // when it has no such day), less one: seen 1.10.2025 counts to 30.9.2026.
    const absl::CivilDay by_age = reference::MonthsLater(c.valid_from, r.max_age_months) - 1;
    last = last ? std::min(*last, by_age) : by_age;
  }
  return last;
}

bool Meets(const Credential& c, const CredentialRequirement& r, absl::CivilDay day) {
  if (!SameKind(c, r) || day < c.valid_from) return false;
  const std::optional<absl::CivilDay> last = LastValidDay(c, r);
  return !last || day <= *last;
}

std::optional<CredentialGap> MissingCredential(
    const std::vector<Credential>& credentials,
    const std::vector<CredentialRequirement>& requirements, Role role, OrganizationKind kind,
    absl::CivilDay day) {
  for (const CredentialRequirement& r : requirements) {
    if (!Applies(r, role, kind)) continue;
    const Credential* latest = nullptr;  // of the kind, the most recent
    bool met = false;
    for (const Credential& c : credentials) {
      if (!SameKind(c, r)) continue;
      if (Meets(c, r, day)) {
        met = true;
        break;
      }
      if (latest == nullptr || latest->valid_from < c.valid_from) latest = &c;
    }
    if (met) continue;
    const std::string name = CredentialName(r.kind, r.course);
    if (latest == nullptr) {
      return CredentialGap{&r, absl::StrCat("no ", name, " (", Scope(r), ")")};
    }
    if (day < latest->valid_from) {
      return CredentialGap{
          &r, absl::StrCat(
                  "the ", name, " counts from ", Day(latest->valid_from), ", after the task on ",
                  Day(day), " (", Scope(r), ")")};
    }
    return CredentialGap{
        &r, absl::StrCat(
                "the ", name, " of ", Day(latest->valid_from), " counts until ",
                Day(*LastValidDay(*latest, r)), ", before the task on ", Day(day), " (", Scope(r),
                ")")};
  }
  return std::nullopt;
}

std::vector<CredentialLapse> LapsingCredentials(
    const std::vector<Credential>& credentials,
    const std::vector<CredentialRequirement>& requirements, absl::CivilDay today) {
  std::vector<CredentialLapse> out;
  for (size_t i = 0; i < credentials.size(); ++i) {
    std::optional<absl::CivilDay> earliest;
    for (const CredentialRequirement& r : requirements) {
      const std::optional<absl::CivilDay> last = LastValidDay(credentials[i], r);
      if (last && (!earliest || *last < *earliest)) earliest = last;
    }
    if (!earliest || *earliest < today || *earliest - today >= kCredentialNoticeDays) continue;
    // A newer credential of the same kind that counts longer makes this one moot.
    bool renewed = false;
    for (size_t j = 0; j < credentials.size(); ++j) {
      const Credential& other = credentials[j];
      if (j == i || other.kind != credentials[i].kind || other.course != credentials[i].course ||
          other.valid_from <= credentials[i].valid_from) {
        continue;
      }
      renewed = true;
    }
    if (renewed) continue;
    out.push_back({i, *earliest, CredentialName(credentials[i].kind, credentials[i].course)});
  }
  return out;
}

}  // namespace kokemus::domain
