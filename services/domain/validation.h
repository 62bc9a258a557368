// Input validation of the registry: the rules for ids, Finnish business ids,
// e-mail, phone numbers, language tags and reference codes, and whole-resource
// checks that collect every bad field at once.
//
//   FieldViolations v;
//   NormalizeExpert(expert);
//   ValidateExpert(expert, absl::Now(), "expert", v);
//   if (!v.empty()) return v.ToStatus();  // INVALID_ARGUMENT
//
// Descriptions never repeat the bad value: it may be personal data.
#ifndef KOKEMUS_SERVICES_DOMAIN_VALIDATION_H_
#define KOKEMUS_SERVICES_DOMAIN_VALIDATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/model.h"

namespace kokemus::domain {

struct FieldViolation {
  std::string field;        // request-relative path: "expert.languages[1]"
  std::string description;  // why: "not a BCP-47 language tag"
  bool operator==(const FieldViolation&) const = default;
};

// Collects the violations of one request.
// At most kMaxViolations are listed, each field and description cut to
// kMaxViolationText bytes; the rest are counted ("N more violations not
// listed", under the field "request"), so an error answer stays small
// whatever the request holds.
inline constexpr size_t kMaxViolations = 20;
inline constexpr size_t kMaxViolationText = 200;

class FieldViolations final {
 public:
  void Add(std::string field, std::string description);
  // Adds the violations a status carries (see ViolationsOf), under `prefix`
  // if one is given.
  void Add(const absl::Status& status, absl::string_view prefix = "");
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  // OK when empty; otherwise INVALID_ARGUMENT whose message lists every
  // violation and whose payload carries them for ViolationsOf().
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> list_;
  size_t more_ = 0;  // violations beyond kMaxViolations
};

// The violations carried by a status made by FieldViolations::ToStatus or
// InvalidField; empty for any other status.
std::vector<FieldViolation> ViolationsOf(const absl::Status& status);

// INVALID_ARGUMENT for one field.
absl::Status InvalidField(std::string field, std::string description);

// `status` with each of its field violations moved under `prefix`: a rule
// that names the field of a resource ("offer_deadline") answers a request
// that holds the resource ("assignment.offer_deadline"). Other statuses pass
// unchanged.
//   WithFieldPrefix(InvalidField("offer_deadline", "must be in the future"), "assignment")
absl::Status WithFieldPrefix(const absl::Status& status, absl::string_view prefix);

// Resource ids: lowercase letters, digits and '-', 1 to 63 characters, first a
// letter or digit, last not '-'.
bool IsValidId(absl::string_view id);
// The longest resource name a request may give (its ids are 63 characters at
// most): anything longer is refused before it is audited or echoed.
inline constexpr size_t kMaxResourceNameLength = 512;
// A fresh random id of 12 lowercase letters and digits.
std::string GenerateId();
// A create's id: the caller's `id`, or a fresh one when empty; a violation
// under `field` ("expert_id") for one IsValidId refuses (returned as given).
std::string IdOrGenerated(const std::string& id, absl::string_view field, FieldViolations& v);
// RFC 4122 textual UUID (any version), case-insensitive.
bool IsValidUuid(absl::string_view text);

// Finnish business id (Y-tunnus) "NNNNNNN-C" whose check digit C matches.
bool IsValidBusinessId(absl::string_view id);
// A plain address "local@domain.tld": no spaces or quotes, a dotted domain of
// letters, digits and hyphens, at most 254 characters.
bool IsValidEmail(absl::string_view email);
// E.164 form of a Finnish ("040 123 4567") or international ("+358 40 123
// 4567") number; spaces, hyphens and parentheses are ignored. nullopt if not
// a phone number.
std::optional<std::string> NormalizePhone(absl::string_view phone);
// Canonical BCP-47 tag (language[-Script][-REGION]): "FI" -> "fi",
// "sv-fi" -> "sv-FI", "zh-hant" -> "zh-Hant"; nullopt if not well-formed.
std::optional<std::string> CanonicalLanguageTag(absl::string_view tag);
// A real calendar date "YYYY-MM-DD".
bool IsValidDate(absl::string_view date);

// Fills defaults and puts values in canonical form (trimmed text, E.164
// phones, canonical language tags) before validation.
void NormalizeExchange(Exchange& exchange);
void NormalizeExpert(Expert& expert);
void NormalizeOrganization(Organization& organization);

// Add one violation per bad field, with `prefix` ("expert") before each path.
void ValidateExchange(
    const Exchange& exchange, absl::string_view prefix, FieldViolations& violations);
void ValidateExpert(
    const Expert& expert, absl::Time now, absl::string_view prefix, FieldViolations& violations);
void ValidateOrganization(
    const Organization& organization, absl::string_view prefix, FieldViolations& violations);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_VALIDATION_H_
