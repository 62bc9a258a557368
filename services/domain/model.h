// The registry's domain model: plain structs that the RPC layer fills from
// protos and the storage layer reads from and writes to SQL. Enum values match
// the numbers in api/kokemus/v1 so the conversion is a checked cast.
//
//   Expert e;
//   e.display_name = "Kaisa K.";
//   e.languages = {"fi"};
//   FieldViolations v;
//   ValidateExpert(e, absl::Now(), "expert", v);  // validation.h
#ifndef KOKEMUS_SERVICES_DOMAIN_MODEL_H_
#define KOKEMUS_SERVICES_DOMAIN_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kokemus::domain {

enum class ExperienceArea {
  kUnspecified = 0,
  kMentalHealth,
  kSubstanceUse,
  kGambling,
  kFamilyMember,
  kSomaticIllness,
  kChildProtection,
  kCriminalSanctions,
  kHomelessness,
  kOtherLifeCrisis,
};

enum class Role {
  kUnspecified = 0,
  kLecturer,
  kCoTeacher,
  kPeerSupport,
  kGroupFacilitator,
  kCoDeveloper,
  kEvaluator,
  kInterviewer,
  kTeamMember,
  kWorkingPair,
  kLowThresholdShift,
  kCommunications,
};

enum class PaymentMethod {
  kUnspecified = 0,
  kSalaryTaxCard,
  kInvoice,
  kFeeDeclined,
  kWorkCompensation,  // tyokorvaus: not employed, not in the prepayment register
};

// What the payroll needs of an expert the exchange pays wages or work
// compensation (domain/payroll.h: KeepsPayrollDetails).
struct PayrollDetails {
  // A new personal identity code as given (input only); storage seals it into
  // `identity_code_sealed` and clears this.
  std::string identity_code;
  // The sealed code as stored (opaque outside storage); "" when none.
  std::string identity_code_sealed;
  // The tax card's withholding in tenths of a percent (175 = 17.5 %); -1
  // when not recorded.
  int withholding_permille = -1;
  bool identity_code_recorded() const {
    return !identity_code.empty() || !identity_code_sealed.empty();
  }
  bool operator==(const PayrollDetails&) const = default;
};

enum class Weekday {
  kUnspecified = 0,
  kMonday,
  kTuesday,
  kWednesday,
  kThursday,
  kFriday,
  kSaturday,
  kSunday,
};

enum class ExpertState { kUnspecified = 0, kActive, kPaused, kInactive };

// An INACTIVE organization takes no new orders; its records stay.
enum class OrganizationState { kUnspecified = 0, kActive, kInactive };

enum class Sector { kUnspecified = 0, kPublic, kNgo, kEducation, kPrivate };

enum class OrganizationKind {
  kUnspecified = 0,
  kAdultSocialWork,
  kChildProtection,
  kFamilyCentre,
  kDayActivity,
  kLowThresholdMeetingPlace,
  kRehabilitativeWork,
  kMentalHealthSubstanceServices,
  kHousingServices,
  kHospital,
  kEducationalInstitution,
  kDevelopmentGroup,
  kOther,
};

// Bookkeeping that every stored resource carries. `revision` starts at 1 and
// grows by one on every change; the etag is derived from it.
// How a person gets messages: e-mail (the default) or text messages (SMS).
enum class NotificationChannel { kUnspecified = 0, kEmail, kSms };

// When an exchange pays a task's fee (domain/earnings.h).
enum class PayRuleKind {
  kUnspecified = 0,
  // On `day_of_month` of the month after the task's month (the usual rule:
  // the month's hours are gathered, then paid).
  kDayOfFollowingMonth = 1,
  // `days_after` days after the task (after the expert's invoice).
  kDaysAfterTask = 2,
};

struct PayRule {
  PayRuleKind kind = PayRuleKind::kDayOfFollowingMonth;
  int day_of_month = 15;  // 1..31; past a short month's end: its last day
  int days_after = 14;    // 0..120
  bool operator==(const PayRule&) const = default;
};

// The benefit whose earnings limit Kokemus guards for an expert
// (domain/earnings.h: LimitFor).
enum class BenefitLimitKind {
  kUnspecified = 0,  // a personal monthly amount if one is set, else none
  kNone,
  kDisabilityPensionFloor,  // the national floor of the payment's day
  kPersonalMonthly,         // her amount, or 40 or 60 % of her earlier income
  kYearly,                  // a benefit that counts pay by calendar year
};

struct BenefitLimit {
  BenefitLimitKind kind = BenefitLimitKind::kUnspecified;
  int64_t earlier_monthly_income_cents = 0;  // PERSONAL_MONTHLY by percentage
  int earlier_income_percent = 0;            // 40 or 60
  int64_t yearly_limit_cents = 0;            // YEARLY
  bool operator==(const BenefitLimit&) const = default;
};

// Credentials (domain/credentials.h): the kinds of course an exchange runs
// (and a training records), and what an exchange requires of experts for
// some tasks.
enum class CourseKind {
  kUnspecified = 0,  // a training recorded as text only
  kBasic,            // the basic expert-by-experience training
  kFurther,          // a further training
  kPeerMentor,       // peer-mentor training
  kOther,
};

// A trainee of a course (domain/cohorts.h).
enum class EnrolmentState { kUnspecified = 0, kEnrolled, kDropped, kCompleted };

enum class CredentialKind {
  kUnspecified = 0,
  kTraining,                  // a completed training of a course kind
  kCriminalRecordExtractSeen  // the extract was shown to the exchange
};

// Empty `roles` or `orderer_kinds`: every one.
struct CredentialRequirement {
  CredentialKind kind = CredentialKind::kUnspecified;
  CourseKind course = CourseKind::kUnspecified;  // for kTraining
  std::vector<Role> roles;
  std::vector<OrganizationKind> orderer_kinds;
  // Counts for this many months from its date (0: no age limit): the last
  // valid day is the day before the anniversary.
  int max_age_months = 0;
  bool operator==(const CredentialRequirement&) const = default;
};

struct Meta {
  int64_t revision = 0;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
};

struct Exchange {
  std::string id;
  std::string display_name;
  std::string wellbeing_region;
  std::string default_language;
  std::string business_id;
  std::string contact_email;
  int travel_buffer_minutes = 0;
  int retention_months = 0;             // 0: no automatic erasure
  std::string postal_address;           // the controller's, for the privacy notice
  std::string data_protection_officer;  // name and contact; optional
  std::string contact_name;             // the coordinator named on contracts
  std::string contact_phone;
  PayRule pay_rule;  // when its fees are paid
  std::vector<CredentialRequirement> credential_requirements;
  absl::Time privacy_notice_time = absl::InfinitePast();  // set by storage
  Meta meta;
};

struct Training {
  std::string provider;
  std::string title;
  std::string completion_date;  // YYYY-MM-DD
  CourseKind kind = CourseKind::kUnspecified;
  std::string valid_until;  // YYYY-MM-DD; "" : no end of its own
  std::string course;       // the exchange's course's resource name; "" : recorded by hand
  bool operator==(const Training&) const = default;
};

// That the exchange saw her criminal-record extract; never the extract.
struct RecordExtractSeen {
  std::string seen_date;  // YYYY-MM-DD; "" : never seen
  std::string seen_by;
  bool operator==(const RecordExtractSeen&) const = default;
};

struct WeeklyWindow {
  Weekday day = Weekday::kUnspecified;
  int start_minute = 0;
  int end_minute = 0;
  bool operator==(const WeeklyWindow&) const = default;
};

struct Period {
  absl::Time start_time = absl::UnixEpoch();
  absl::Time end_time = absl::UnixEpoch();
  bool operator==(const Period&) const = default;
};

struct Consent {
  absl::Time given_time = absl::UnixEpoch();  // UnixEpoch: no consent recorded
  std::string notice_version;
};

struct Expert {
  std::string exchange_id;
  std::string id;
  std::string display_name;
  std::string email;
  std::string phone;
  std::string home_municipality;
  std::vector<std::string> languages;
  std::vector<ExperienceArea> experience_areas;
  std::vector<Role> roles;
  std::vector<Training> trainings;
  std::vector<std::string> service_municipalities;
  int max_travel_km = 0;
  bool remote_ok = false;
  std::vector<WeeklyWindow> weekly_availability;
  std::vector<Period> unavailable_periods;
  int max_assignments_per_month = 0;
  int64_t monthly_earnings_limit_cents = 0;  // a personal monthly limit's amount
  BenefitLimit benefit_limit;
  PaymentMethod payment_method = PaymentMethod::kUnspecified;
  PayrollDetails payroll;
  RecordExtractSeen record_extract;
  ExpertState state = ExpertState::kUnspecified;
  Consent consent;
  // How she hears from Kokemus: in which language ("": from `languages`),
  // by e-mail or text message, and whether only essential messages.
  std::string preferred_language;
  NotificationChannel notification_channel = NotificationChannel::kUnspecified;
  bool essential_messages_only = false;
  Meta meta;
};

struct Organization {
  std::string exchange_id;
  std::string id;
  std::string display_name;
  std::string business_id;
  Sector sector = Sector::kUnspecified;
  OrganizationKind kind = OrganizationKind::kUnspecified;
  std::string municipality;
  std::string contact_name;
  std::string contact_email;
  std::string contact_phone;
  OrganizationState state = OrganizationState::kUnspecified;
  Meta meta;
};

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_MODEL_H_
