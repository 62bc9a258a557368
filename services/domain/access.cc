#include "services/domain/access.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "services/domain/fees.h"
#include "services/domain/orders.h"
#include "services/reference/calendar.h"

namespace kokemus::domain {
namespace {

constexpr unsigned A = RoleBit(AccessRole::kNationalAdmin);
constexpr unsigned C = RoleBit(AccessRole::kCoordinator);
constexpr unsigned O = RoleBit(AccessRole::kOrdererSystem);
constexpr unsigned E = RoleBit(AccessRole::kExpert);
constexpr unsigned R = RoleBit(AccessRole::kReporter);

using Own = Ownership;

std::vector<MethodRule> BuildRules() {
  // method, roles, national, orderer narrowing, expert narrowing, personal data
  std::vector<MethodRule> rules = {
      // Registry: exchanges are the national administrator's; experts and
      // organizations the coordinator's. An orderer system reads only its own
      // organization and, of experts, only the assigned ones' public fields.
      {"RegistryService/CreateExchange", A, true, Own::kNone, Own::kNone, false},
      {"RegistryService/GetExchange", A | C | O | E | R, false, Own::kNone, Own::kNone, false},
      {"RegistryService/ListExchanges", A | R, true, Own::kNone, Own::kNone, false},
      {"RegistryService/UpdateExchange", A | C, false, Own::kNone, Own::kNone, false},
      {"RegistryService/CreateExpert", C, false, Own::kNone, Own::kNone, true},
      {"RegistryService/GetExpert", C | O | E, false, Own::kOrganization, Own::kSelf, true},
      {"RegistryService/ListExperts", C, false, Own::kNone, Own::kNone, true},
      {"RegistryService/UpdateExpert", C | E, false, Own::kNone, Own::kSelf, true},
      {"RegistryService/DeleteExpert", C, false, Own::kNone, Own::kNone, true},
      {"RegistryService/ExportExpertData", C | E, false, Own::kNone, Own::kSelf, true},
      {"RegistryService/EraseExpert", C, false, Own::kNone, Own::kNone, true},
      {"RegistryService/ApplyRetention", A | C, true, Own::kNone, Own::kNone, true},
      // Earnings: the national table of floors is public figures, kept by the
      // national administrator; an expert's pay by month is hers and her
      // coordinator's (audited).
      {"RegistryService/GetEarningsFloors", A | C | E | R, true, Own::kNone, Own::kNone, false,
       true},
      {"RegistryService/UpdateEarningsFloors", A, true, Own::kNone, Own::kNone, false},
      {"RegistryService/GetExpertEarnings", C | E, false, Own::kNone, Own::kSelf, true},
      {"RegistryService/RenderEarningsLetter", C | E, false, Own::kNone, Own::kSelf, true},
      {"RegistryService/CreateOrganization", C, false, Own::kNone, Own::kNone, false},
      // An expert reads the organizations of her tasks and offers: whom she
      // goes to and whom to contact there.
      {"RegistryService/GetOrganization", C | O | E, false, Own::kOrganization, Own::kSelf, false},
      {"RegistryService/ListOrganizations", C, false, Own::kNone, Own::kNone, false},
      {"RegistryService/UpdateOrganization", C | O, false, Own::kOrganization, Own::kNone, false},
      {"RegistryService/DeleteOrganization", C, false, Own::kNone, Own::kNone, false},
      // Orders: the coordinator runs them; an orderer system its organization's;
      // an expert answers their own offers and gives their own feedback.
      {"OrderService/CreateOrder", C | O, false, Own::kOrganization, Own::kNone, false},
      {"OrderService/GetOrder", C | O | E, false, Own::kOrganization, Own::kSelf, false},
      {"OrderService/ListOrders", C | O, false, Own::kOrganization, Own::kNone, false},
      {"OrderService/UpdateOrder", C | O, false, Own::kOrganization, Own::kNone, false},
      {"OrderService/CancelOrder", C | O, false, Own::kOrganization, Own::kNone, false},
      {"OrderService/OfferAssignment", C, false, Own::kNone, Own::kNone, true},
      {"OrderService/AcceptAssignment", C | E, false, Own::kNone, Own::kSelf, true},
      {"OrderService/DeclineAssignment", C | E, false, Own::kNone, Own::kSelf, true},
      {"OrderService/ConfirmAssignment", C, false, Own::kNone, Own::kNone, true},
      {"OrderService/CompleteAssignment", C | O, false, Own::kOrganization, Own::kNone, true},
      {"OrderService/CancelAssignment", C | O | E, false, Own::kOrganization, Own::kSelf, true},
      {"OrderService/WithdrawAssignment", C, false, Own::kNone, Own::kNone, true},
      // Offer rounds name the experts offered to: the coordinator's alone.
      {"OrderService/StartOfferRounds", C, false, Own::kNone, Own::kNone, true},
      {"OrderService/GetOfferRounds", C, false, Own::kNone, Own::kNone, true},
      {"OrderService/StopOfferRounds", C, false, Own::kNone, Own::kNone, true},
      {"OrderService/GetAssignment", C | O | E, false, Own::kOrganization, Own::kSelf, true},
      {"OrderService/ListAssignments", C | O | E, false, Own::kOrganization, Own::kSelf, true},
      {"OrderService/SubmitFeedback", C | O | E, false, Own::kOrganization, Own::kSelf, true},
      {"OrderService/GetFeeSchedule", C | O | E, false, Own::kNone, Own::kNone, false},
      {"OrderService/UpdateFeeSchedule", C, false, Own::kNone, Own::kNone, false},
      // Contracts hold names and fees: personal data, every access audited.
      {"ContractService/GenerateContract", C, false, Own::kNone, Own::kNone, true},
      {"ContractService/GetContract", C | O | E, false, Own::kOrganization, Own::kSelf, true},
      {"ContractService/ListContracts", C | E, false, Own::kNone, Own::kSelf, true},
      {"ContractService/GetContractDocument", C | O | E, false, Own::kOrganization, Own::kSelf,
       true},
      // Only the expert herself accepts her contract.
      {"ContractService/AcceptContract", E, false, Own::kNone, Own::kSelf, true},
      {"ContractService/CreateContractTemplate", C, false, Own::kNone, Own::kNone, false},
      {"ContractService/GetContractTemplate", C, false, Own::kNone, Own::kNone, false},
      {"ContractService/ListContractTemplates", C, false, Own::kNone, Own::kNone, false},
      {"ContractService/ActivateContractTemplate", C, false, Own::kNone, Own::kNone, false},
      {"ContractService/RenderPrivacyNotice", A | C | O | E | R, false, Own::kNone, Own::kNone,
       false},
      // Matching reads experience areas (health data): the coordinator's alone.
      {"MatchingService/RankExperts", C, false, Own::kNone, Own::kNone, true},
      {"MatchingService/PlanAssignments", C, false, Own::kNone, Own::kNone, true},
      {"MatchingService/OfferPlan", C, false, Own::kNone, Own::kNone, true},
      {"MatchingService/GetMatchingSettings", C, false, Own::kNone, Own::kNone, false},
      {"MatchingService/UpdateMatchingSettings", C, false, Own::kNone, Own::kNone, false},
      // Aggregates for reporters and the national administrator; exports name
      // experts, so they stay with the coordinator (the payer).
      {"ReportService/GetStatistics", A | C | R, true, Own::kNone, Own::kNone, false},
      {"ReportService/GetFeedbackSummary", A | C | R, true, Own::kNone, Own::kNone, false},
      {"ReportService/ExportAssignments", C, false, Own::kNone, Own::kNone, true},
      {"ReportService/ExportPayroll", C, false, Own::kNone, Own::kNone, true},
      {"ReportService/RenderAnnualReport", C | R, false, Own::kNone, Own::kNone, false},
      // Messages name people and say what they were offered: audited.
      {"NotificationService/ListMessages", C, false, Own::kNone, Own::kNone, true},
      {"NotificationService/GetMessage", C, false, Own::kNone, Own::kNone, true},
      {"NotificationService/ResendMessage", C, false, Own::kNone, Own::kNone, true},
      {"NotificationService/GetNotificationSettings", C, false, Own::kNone, Own::kNone, false},
      {"NotificationService/UpdateNotificationSettings", C, false, Own::kNone, Own::kNone, false},
      // Events are names and states: an orderer system's of its organization,
      // an expert's of her own tasks.
      {"NotificationService/WatchEvents", C | O | E, false, Own::kOrganization, Own::kSelf, false},
      {"NotificationService/CreateWebhook", C | O, false, Own::kOrganization, Own::kNone, false},
      {"NotificationService/ListWebhooks", C | O, false, Own::kOrganization, Own::kNone, false},
      {"NotificationService/DeleteWebhook", C | O, false, Own::kOrganization, Own::kNone, false},
      // A calendar feed shows a person's tasks: theirs to make (audited).
      {"NotificationService/CreateCalendarFeed", C | O | E, false, Own::kOrganization, Own::kSelf,
       true},
      {"NotificationService/ListCalendarFeeds", C | O | E, false, Own::kOrganization, Own::kSelf,
       false},
      {"NotificationService/RevokeCalendarFeed", C | O | E, false, Own::kOrganization, Own::kSelf,
       true},
      // The exchange's wording of its messages: no personal data.
      {"NotificationService/ListMessageTemplates", C, false, Own::kNone, Own::kNone, false},
      {"NotificationService/GetMessageTemplate", C, false, Own::kNone, Own::kNone, false},
      {"NotificationService/UpdateMessageTemplate", C, false, Own::kNone, Own::kNone, false},
      {"NotificationService/ResetMessageTemplate", C, false, Own::kNone, Own::kNone, false},
      // Training: the coordinator plans courses and keeps the trainees'
      // records (personal data: audited); the list shows outcomes only.
      {"TrainingService/CreateCourse", C, false, Own::kNone, Own::kNone, false},
      {"TrainingService/GetCourse", C, false, Own::kNone, Own::kNone, true},
      {"TrainingService/ListCourses", C, false, Own::kNone, Own::kNone, false},
      {"TrainingService/EnrolTrainee", C, false, Own::kNone, Own::kNone, true},
      {"TrainingService/RecordAttendance", C, false, Own::kNone, Own::kNone, true},
      {"TrainingService/SetTraineeState", C, false, Own::kNone, Own::kNone, true},
      {"TrainingService/GraduateTrainee", C, false, Own::kNone, Own::kNone, true},
      // Surveys: the coordinator keeps the template and reads the free texts
      // first (they may name someone: audited); the expert and the orderer
      // get their tasks' links and their own figures; figures across
      // exchanges are the national administrator's and reporters'.
      {"SurveyService/GetSurveyTemplate", C, false, Own::kNone, Own::kNone, false},
      {"SurveyService/UpdateSurveyTemplate", C, false, Own::kNone, Own::kNone, false},
      {"SurveyService/GetTaskSurvey", C | O | E, false, Own::kOrganization, Own::kSelf, false},
      {"SurveyService/GetSurveyResults", A | C | O | E | R, true, Own::kOrganization, Own::kSelf,
       false},
      {"SurveyService/ListSurveyComments", C, false, Own::kNone, Own::kNone, true},
      {"SurveyService/ReviewSurveyComment", C, false, Own::kNone, Own::kNone, true},
  };
  // Keys and the audit log: the national administrator's across exchanges,
  // a coordinator's for their exchange. Key changes are audited too.
  std::vector<MethodRule> access = {
      {"AccessService/CreateApiKey", A | C, true, Own::kNone, Own::kNone, true},
      {"AccessService/ListApiKeys", A | C, true, Own::kNone, Own::kNone, false},
      {"AccessService/RevokeApiKey", A | C, true, Own::kNone, Own::kNone, true},
      {"AccessService/GetCaller", A | C | O | E | R, true, Own::kNone, Own::kNone, false, true},
      {"AccessService/ListAuditRecords", A | C, true, Own::kNone, Own::kNone, false},
      {"AccessService/VerifyAuditLog", A | C, true, Own::kNone, Own::kNone, false},
      {"AccessService/CreateAuditCheckpoint", A, true, Own::kNone, Own::kNone, false},
  };
  rules.insert(rules.end(), access.begin(), access.end());
  for (MethodRule& r : rules) r.method = absl::StrCat("kokemus.v1.", r.method);
  std::sort(rules.begin(), rules.end(), [](const MethodRule& a, const MethodRule& b) {
    return a.method < b.method;
  });
  return rules;
}

}  // namespace

const std::vector<MethodRule>& MethodRules() {
  static const std::vector<MethodRule>* rules = new std::vector<MethodRule>(BuildRules());
  return *rules;
}

const MethodRule* RuleFor(absl::string_view method) {
  absl::ConsumePrefix(&method, "/");
  const std::vector<MethodRule>& rules = MethodRules();
  auto it = std::lower_bound(
      rules.begin(), rules.end(), method,
      [](const MethodRule& r, absl::string_view m) { return r.method < m; });
  return it != rules.end() && it->method == method ? &*it : nullptr;
}

absl::string_view AccessRoleName(AccessRole role) {
  switch (role) {
    case AccessRole::kNationalAdmin:
      return "NATIONAL_ADMIN";
    case AccessRole::kCoordinator:
      return "COORDINATOR";
    case AccessRole::kOrdererSystem:
      return "ORDERER_SYSTEM";
    case AccessRole::kExpert:
      return "EXPERT";
    case AccessRole::kReporter:
      return "REPORTER";
    case AccessRole::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

AccessRole AccessRoleFromName(absl::string_view name) {
  for (AccessRole r :
       {AccessRole::kNationalAdmin, AccessRole::kCoordinator, AccessRole::kOrdererSystem,
        AccessRole::kExpert, AccessRole::kReporter}) {
    if (AccessRoleName(r) == name) return r;
  }
  return AccessRole::kUnspecified;
}

void ValidateNewKey(
    absl::string_view display_name, const Principal& p, absl::Time expire_time, absl::Time now,
    FieldViolations& v) {
  if (display_name.empty() || display_name.size() > 100) {
    v.Add("api_key.display_name", "must be 1 to 100 characters");
  }
  if (p.role == AccessRole::kUnspecified) v.Add("api_key.role", "is required");
  if (p.role == AccessRole::kNationalAdmin && !p.exchange_id.empty()) {
    v.Add("parent", "must be empty for a national administrator (the top-level apiKeys)");
  }
  if ((p.role == AccessRole::kCoordinator || p.role == AccessRole::kOrdererSystem ||
       p.role == AccessRole::kExpert) &&
      p.exchange_id.empty()) {
    v.Add("parent", absl::StrCat("must name an exchange for ", AccessRoleName(p.role)));
  }
  if ((p.role == AccessRole::kOrdererSystem) != !p.organization_id.empty()) {
    v.Add("api_key.organization", "is required for ORDERER_SYSTEM and only for it");
  }
  if ((p.role == AccessRole::kExpert) != !p.expert_id.empty()) {
    v.Add("api_key.expert", "is required for EXPERT and only for it");
  }
  if (expire_time <= now) {
    v.Add("api_key.expire_time", "must be in the future");
  } else if (expire_time > now + kMaxKeyLifetime) {
    v.Add("api_key.expire_time", "must be at most two years ahead");
  }
}

namespace {

// `is_orderer`/`is_expert`: the side named is the orderer's / the expert's.
absl::Status CheckSide(AccessRole role, bool is_orderer, bool is_expert, absl::string_view field) {
  if ((role == AccessRole::kOrdererSystem && !is_orderer) ||
      (role == AccessRole::kExpert && !is_expert)) {
    return InvalidField(std::string(field), "must be the caller's own side");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckOwnSide(AccessRole role, CancelledBy by, absl::string_view field) {
  return CheckSide(role, by == CancelledBy::kOrderer, by == CancelledBy::kExpert, field);
}

absl::Status CheckOwnSide(AccessRole role, FeedbackSource source, absl::string_view field) {
  return CheckSide(
      role, source == FeedbackSource::kOrderer, source == FeedbackSource::kExpert, field);
}

absl::Status CheckOwnExpertUpdate(const Expert& current, const Expert& updated) {
  if (current.roles != updated.roles || current.trainings != updated.trainings ||
      current.record_extract != updated.record_extract) {
    return absl::PermissionDeniedError(
        "an EXPERT key may not change expert.roles, expert.trainings or "
        "expert.criminal_record_extract_seen");
  }
  return absl::OkStatus();
}

absl::Time RetentionCutoff(absl::Time now, int months) {
  const absl::CivilMonth month = absl::ToCivilMonth(now, reference::HelsinkiTimeZone()) - months;
  return absl::FromCivil(month, reference::HelsinkiTimeZone());
}

absl::Status Decide(
    const MethodRule& rule, const Principal& principal, absl::string_view exchange_id,
    absl::string_view resource) {
  if ((rule.roles & RoleBit(principal.role)) == 0) {
    const absl::string_view role = AccessRoleName(principal.role);
    const bool vowel = absl::StrContains("AEIOU", role.substr(0, 1));
    return absl::PermissionDeniedError(
        absl::StrCat(vowel ? "an " : "a ", role, " key may not call ", rule.method));
  }
  if (rule.about_caller) return absl::OkStatus();
  if (exchange_id.empty()) {
    // Across exchanges: only where the method allows it, and only for national keys.
    if (!rule.national || !principal.exchange_id.empty()) {
      return absl::PermissionDeniedError(
          absl::StrCat(rule.method, " across exchanges needs a national key"));
    }
    return absl::OkStatus();
  }
  if (!principal.exchange_id.empty() && principal.exchange_id != exchange_id) {
    // Another exchange's objects look exactly like missing ones.
    return absl::NotFoundError(absl::StrCat(resource, " not found"));
  }
  return absl::OkStatus();
}

bool SeesOrderNotes(AccessRole role) {
  return role == AccessRole::kCoordinator || role == AccessRole::kNationalAdmin;
}

void KeepUnseenNotes(
    AccessRole role, const std::vector<std::string>& paths, const Order& current, Order& updated) {
  if (!SeesOrderNotes(role) && std::find(paths.begin(), paths.end(), "notes") == paths.end()) {
    updated.notes = current.notes;
  }
}

}  // namespace kokemus::domain
