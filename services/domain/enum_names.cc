#include "services/domain/enum_names.h"

#include <array>

#include "services/domain/fees.h"

namespace kokemus::domain {
namespace {

constexpr std::array<absl::string_view, 10> kExperienceAreas = {
    "UNSPECIFIED",   "MENTAL_HEALTH",    "SUBSTANCE_USE",    "GAMBLING",
    "FAMILY_MEMBER", "SOMATIC_ILLNESS",  "CHILD_PROTECTION", "CRIMINAL_SANCTIONS",
    "HOMELESSNESS",  "OTHER_LIFE_CRISIS"};
constexpr std::array<absl::string_view, 12> kRoles = {
    "UNSPECIFIED",       "LECTURER",     "CO_TEACHER",          "PEER_SUPPORT",
    "GROUP_FACILITATOR", "CO_DEVELOPER", "EVALUATOR",           "INTERVIEWER",
    "TEAM_MEMBER",       "WORKING_PAIR", "LOW_THRESHOLD_SHIFT", "COMMUNICATIONS"};
constexpr std::array<absl::string_view, 3> kNotificationChannels = {"UNSPECIFIED", "EMAIL", "SMS"};
constexpr std::array<absl::string_view, 5> kPaymentMethods = {
    "UNSPECIFIED", "SALARY_TAX_CARD", "INVOICE", "FEE_DECLINED", "WORK_COMPENSATION"};
constexpr std::array<absl::string_view, 8> kWeekdays = {
    "UNSPECIFIED", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"};
constexpr std::array<absl::string_view, 3> kPayRuleKinds = {
    "UNSPECIFIED", "DAY_OF_FOLLOWING_MONTH", "DAYS_AFTER_TASK"};
constexpr std::array<absl::string_view, 5> kBenefitLimitKinds = {
    "UNSPECIFIED", "NONE", "DISABILITY_PENSION_FLOOR", "PERSONAL_MONTHLY", "YEARLY"};
constexpr std::array<absl::string_view, 4> kExpertStates = {
    "UNSPECIFIED", "ACTIVE", "PAUSED", "INACTIVE"};
constexpr std::array<absl::string_view, 3> kOrganizationStates = {
    "UNSPECIFIED", "ACTIVE", "INACTIVE"};
constexpr std::array<absl::string_view, 5> kSectors = {
    "UNSPECIFIED", "PUBLIC", "NGO", "EDUCATION", "PRIVATE"};
constexpr std::array<absl::string_view, 13> kOrganizationKinds = {
    "UNSPECIFIED",
    "ADULT_SOCIAL_WORK",
    "CHILD_PROTECTION",
    "FAMILY_CENTRE",
    "DAY_ACTIVITY",
    "LOW_THRESHOLD_MEETING_PLACE",
    "REHABILITATIVE_WORK",
    "MENTAL_HEALTH_SUBSTANCE_SERVICES",
    "HOUSING_SERVICES",
    "HOSPITAL",
    "EDUCATIONAL_INSTITUTION",
    "DEVELOPMENT_GROUP",
    "OTHER"};

constexpr std::array<absl::string_view, 5> kAudiences = {
    "UNSPECIFIED", "STUDENTS", "PROFESSIONALS", "CLIENTS", "MIXED"};
constexpr std::array<absl::string_view, 5> kOrderStates = {
    "UNSPECIFIED", "OPEN", "ASSIGNED", "COMPLETED", "CANCELLED"};
constexpr std::array<absl::string_view, 4> kCancelledBy = {
    "UNSPECIFIED", "ORDERER", "EXPERT", "EXCHANGE"};
constexpr std::array<absl::string_view, 4> kCancelReasons = {
    "UNSPECIFIED", "ILLNESS", "PERSONAL", "OTHER"};
constexpr std::array<absl::string_view, 6> kDeclineReasons = {
    "UNSPECIFIED", "TIME", "DISTANCE", "TASK", "WELLBEING", "OTHER"};
constexpr std::array<absl::string_view, 10> kAssignmentStates = {
    "UNSPECIFIED", "OFFERED",   "ACCEPTED", "DECLINED",  "CONFIRMED",
    "COMPLETED",   "CANCELLED", "LAPSED",   "WITHDRAWN", "AVAILABLE"};
constexpr std::array<absl::string_view, 4> kOfferKinds = {"UNSPECIFIED", "PLACE", "POOL", "BACKUP"};
constexpr std::array<absl::string_view, 5> kCourseKinds = {
    "UNSPECIFIED", "BASIC", "FURTHER", "PEER_MENTOR", "OTHER"};
constexpr std::array<absl::string_view, 3> kCredentialKinds = {
    "UNSPECIFIED", "TRAINING", "CRIMINAL_RECORD_EXTRACT_SEEN"};
constexpr std::array<absl::string_view, 4> kEnrolmentStates = {
    "UNSPECIFIED", "ENROLLED", "DROPPED", "COMPLETED"};
constexpr std::array<absl::string_view, 3> kFeeKinds = {"UNSPECIFIED", "FIXED", "HOURLY"};
constexpr std::array<absl::string_view, 3> kFeedbackSources = {"UNSPECIFIED", "ORDERER", "EXPERT"};

}  // namespace

template <>
std::span<const absl::string_view> EnumNames<ExperienceArea>() {
  return kExperienceAreas;
}
template <>
std::span<const absl::string_view> EnumNames<Role>() {
  return kRoles;
}
template <>
std::span<const absl::string_view> EnumNames<PaymentMethod>() {
  return kPaymentMethods;
}
template <>
std::span<const absl::string_view> EnumNames<NotificationChannel>() {
  return kNotificationChannels;
}
template <>
std::span<const absl::string_view> EnumNames<Weekday>() {
  return kWeekdays;
}
template <>
std::span<const absl::string_view> EnumNames<PayRuleKind>() {
  return kPayRuleKinds;
}
template <>
std::span<const absl::string_view> EnumNames<BenefitLimitKind>() {
  return kBenefitLimitKinds;
}
template <>
std::span<const absl::string_view> EnumNames<ExpertState>() {
  return kExpertStates;
}
template <>
std::span<const absl::string_view> EnumNames<OrganizationState>() {
  return kOrganizationStates;
}
template <>
std::span<const absl::string_view> EnumNames<Sector>() {
  return kSectors;
}
template <>
std::span<const absl::string_view> EnumNames<OrganizationKind>() {
  return kOrganizationKinds;
}

template <>
std::span<const absl::string_view> EnumNames<Audience>() {
  return kAudiences;
}
template <>
std::span<const absl::string_view> EnumNames<OrderState>() {
  return kOrderStates;
}
template <>
std::span<const absl::string_view> EnumNames<CancelledBy>() {
  return kCancelledBy;
}
template <>
std::span<const absl::string_view> EnumNames<CancelReason>() {
  return kCancelReasons;
}
template <>
std::span<const absl::string_view> EnumNames<DeclineReason>() {
  return kDeclineReasons;
}
template <>
std::span<const absl::string_view> EnumNames<AssignmentState>() {
  return kAssignmentStates;
}
template <>
std::span<const absl::string_view> EnumNames<OfferKind>() {
  return kOfferKinds;
}
template <>
std::span<const absl::string_view> EnumNames<CourseKind>() {
  return kCourseKinds;
}
template <>
std::span<const absl::string_view> EnumNames<CredentialKind>() {
  return kCredentialKinds;
}
template <>
std::span<const absl::string_view> EnumNames<EnrolmentState>() {
  return kEnrolmentStates;
}
template <>
std::span<const absl::string_view> EnumNames<FeeKind>() {
  return kFeeKinds;
}
template <>
std::span<const absl::string_view> EnumNames<FeedbackSource>() {
  return kFeedbackSources;
}

}  // namespace kokemus::domain
