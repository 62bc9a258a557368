// Credentials that expire (issue 21): what an expert holds (a training of a
// kind, or "criminal-record extract seen" with the day it was seen and who
// saw it, never the extract itself), and what an exchange requires per role
// and per orderer kind (for example: tasks at schools and in child protection
// need the extract seen within the last 12 months, laws 504/2002 and
// 148/2014). Matching leaves out an expert who lacks a required credential on
// the task's day (CREDENTIAL_MISSING, with the reason), and she and the
// coordinator are told 30 days before a credential stops counting.
//
//   auto gap = MissingCredential(expert_credentials, requirements, order.role,
//                                organization.kind, task_day);
//   if (gap) ... gap->reason  // "the criminal-record extract was seen on 2025-10-01, ..."
//
// Pure functions; storage keeps the lists, RPC and matching apply them.
#ifndef KOKEMUS_SERVICES_DOMAIN_CREDENTIALS_H_
#define KOKEMUS_SERVICES_DOMAIN_CREDENTIALS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/domain/model.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

struct Credential {
  CredentialKind kind = CredentialKind::kUnspecified;
  CourseKind course = CourseKind::kUnspecified;  // for kTraining
  std::string title;                             // a training's title; optional
  absl::CivilDay valid_from;                     // completed, or the extract seen
  std::optional<absl::CivilDay> valid_until;     // its own last valid day, if any
  std::string seen_by;                           // the extract: who saw it
  bool operator==(const Credential&) const = default;
};

inline constexpr int kMaxCredentialAgeMonths = 120;
inline constexpr size_t kMaxCredentialRequirements = 20;
// Days before a credential stops counting that she and the coordinator are told.
inline constexpr int kCredentialNoticeDays = 30;

// OK, or under `prefix` ("expert.credentials[0]"): a known kind; a course for a
// training and none otherwise; who saw an extract (1 to 200 characters); a
// valid_until not before valid_from; a title of at most 200 characters.
void ValidateCredential(const Credential& c, absl::string_view prefix, FieldViolations& violations);
// OK, or under `prefix`: a known kind and course as above, known roles and
// orderer kinds, an age from 0 to kMaxCredentialAgeMonths months.
void ValidateCredentialRequirement(
    const CredentialRequirement& r, absl::string_view prefix, FieldViolations& violations);

// Whether `requirement` applies to a task of `role` for an orderer of `kind`.
bool Applies(const CredentialRequirement& requirement, Role role, OrganizationKind kind);

// The last day `credential` counts for `requirement` (its own valid_until,
// or the day before its max age is reached, whichever is first); nullopt when
// it counts without end, or is not of the requirement's kind.
std::optional<absl::CivilDay> LastValidDay(
    const Credential& credential, const CredentialRequirement& requirement);
// Whether `credential` meets `requirement` on `day`.
bool Meets(
    const Credential& credential, const CredentialRequirement& requirement, absl::CivilDay day);

struct CredentialGap {
  const CredentialRequirement* requirement = nullptr;
  // "no criminal-record extract seen (required for LECTURER tasks at
  // EDUCATIONAL_INSTITUTION, within 12 months)", or "the criminal-record
  // extract seen on 2025-10-01 counts until 2026-09-30, before the task on
  // 2026-11-12 (required within 12 months)".
  std::string reason;
};
// The first requirement that applies to the task and that none of her
// credentials meets on `day`, with the reason; nullopt when she meets all.
std::optional<CredentialGap> MissingCredential(
    const std::vector<Credential>& credentials,
    const std::vector<CredentialRequirement>& requirements, Role role, OrganizationKind kind,
    absl::CivilDay day);

// A credential that stops counting soon for a requirement.
struct CredentialLapse {
  size_t credential = 0;      // index into the expert's credentials
  absl::CivilDay last_valid;  // its last valid day
  std::string what;           // "criminal-record extract seen", "FURTHER training"
};
// Her credentials that some requirement of the exchange concerns and whose
// last valid day (the earliest among those requirements) comes within
// kCredentialNoticeDays days from `today` (today included), and has not
// passed: the notice is due. The caller sends each (credential, last_valid)
// once.
std::vector<CredentialLapse> LapsingCredentials(
    const std::vector<Credential>& credentials,
    const std::vector<CredentialRequirement>& requirements, absl::CivilDay today);

// Her credentials as the requirements count them: each training of a course
// kind with a valid date (text-only trainings are not credentials), and the
// criminal-record extract seen, if ever.
std::vector<Credential> ExpertCredentials(const Expert& expert);

// A credential's name for a person in "fi", "sv" or "en", as the subject
// of a sentence: "Rikosrekisteriotteen tarkastus", "Further training".
std::string CredentialLabel(CredentialKind kind, CourseKind course, absl::string_view language);

// "criminal-record extract seen", "BASIC training", ...
std::string CredentialName(CredentialKind kind, CourseKind course);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_CREDENTIALS_H_
