// Who may call what: the roles of API keys and one explicit rule per RPC of
// kokemus.v1 (a test fails when an RPC has none, so a new RPC can't ship
// open), and the decision for a caller and the exchange a request names.
// Objects in another exchange answer NOT_FOUND exactly like objects that
// don't exist; a role the rule doesn't list gets PERMISSION_DENIED.
//
//   const MethodRule* rule = RuleFor("kokemus.v1.RegistryService/GetExpert");
//   absl::Status s = Decide(*rule, principal, "ph", "exchanges/ph/experts/kaisa");
#ifndef KOKEMUS_SERVICES_DOMAIN_ACCESS_H_
#define KOKEMUS_SERVICES_DOMAIN_ACCESS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/fees.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

enum class AccessRole {
  kUnspecified = 0,
  kNationalAdmin,  // creates exchanges, sees national aggregates
  kCoordinator,    // one exchange: everything in it
  kOrdererSystem,  // one organization of one exchange: its orders, what it needs of experts
  kExpert,         // their own record, offers and contracts
  kReporter,       // aggregated statistics only (one exchange, or national)
};

// Bits of MethodRule::roles.
inline constexpr unsigned RoleBit(AccessRole r) { return 1u << static_cast<unsigned>(r); }

// What a caller may see of the objects a method returns beyond its exchange.
enum class Ownership {
  kNone,          // the exchange is the whole boundary
  kOrganization,  // an orderer system: only its organization's orders and their assignments
  kSelf,          // an expert: only their own record, assignments and contracts
};

struct MethodRule {
  std::string method;     // "kokemus.v1.RegistryService/GetExpert"
  unsigned roles = 0;     // RoleBit()s of who may call
  bool national = false;  // may name no exchange (`exchanges/-`, CreateExchange, ListExchanges)
  Ownership orderer = Ownership::kNone;  // narrowing for an orderer system
  Ownership expert = Ownership::kNone;   // narrowing for an expert
  bool personal_data = false;  // reads or writes an expert's personal data or contracts: audited
  bool about_caller = false;   // names nothing but the caller (GetCaller): any listed role
};

// The authenticated caller.
struct Principal {
  std::string key_id;
  AccessRole role = AccessRole::kUnspecified;
  std::string exchange_id;      // "" for national keys (administrator, national reporter)
  std::string organization_id;  // orderer systems
  std::string expert_id;        // experts
  bool web_session = false;     // a self-service pages' session (domain/session.h)
};

// Every rule, by method name.
const std::vector<MethodRule>& MethodRules();
// The rule of a full method name ("kokemus.v1.X/Y" or "/kokemus.v1.X/Y"), or null.
const MethodRule* RuleFor(absl::string_view method);

// OK if `principal` may call the method on `exchange_id` ("" when the request
// names no exchange). NOT_FOUND naming `resource` for another exchange's
// objects; PERMISSION_DENIED when the role may not call the method at all.
absl::Status Decide(
    const MethodRule& rule, const Principal& principal, absl::string_view exchange_id,
    absl::string_view resource);

absl::string_view AccessRoleName(AccessRole role);  // "COORDINATOR"
// The role named so (AccessRoleName), or kUnspecified.
AccessRole AccessRoleFromName(absl::string_view name);

// The side a key speaks for: an ORDERER_SYSTEM key cancels and gives
// feedback as the orderer, an EXPERT key as the expert; other roles for any
// side. INVALID_ARGUMENT naming `field` otherwise.
absl::Status CheckOwnSide(AccessRole role, CancelledBy by, absl::string_view field);
absl::Status CheckOwnSide(AccessRole role, FeedbackSource source, absl::string_view field);

// Per-field read rule: an order's notes (which may tell of the clientele's
// health) are read by the coordinator and the national administrator only;
// others may write them but get them back empty.
bool SeesOrderNotes(AccessRole role);
// An update by a caller who can't read the notes keeps the stored ones
// unless `paths` (the update mask) names `notes`: sending back the order she
// read, without them, must not wipe them.
void KeepUnseenNotes(
    AccessRole role, const std::vector<std::string>& paths, const Order& current, Order& updated);

// What an expert may change of their own record: everything but their roles
// and trainings, which the coordinator confirms. PERMISSION_DENIED otherwise.
absl::Status CheckOwnExpertUpdate(const Expert& current, const Expert& updated);

// The retention rule: an expert inactive since before this time (the start of
// the Helsinki month `months` months before `now`) is due for erasure.
absl::Time RetentionCutoff(absl::Time now, int months);

inline constexpr absl::Duration kMaxKeyLifetime = absl::Hours(24 * 366 * 2);

// A new key's name, role and scope (an exchange unless national; an
// organization exactly for an orderer system, an expert exactly for an
// expert) and expiry (in the future, at most kMaxKeyLifetime ahead).
void ValidateNewKey(
    absl::string_view display_name, const Principal& principal, absl::Time expire_time,
    absl::Time now, FieldViolations& violations);

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_ACCESS_H_
