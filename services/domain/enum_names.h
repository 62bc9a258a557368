// Stable upper-case names of the domain enums ("MENTAL_HEALTH", "ACTIVE"): the
// form stored in the database, accepted in list filters and by the CLI. The
// names equal the API's enum value names without their prefix.
//
//   EnumName(Role::kLecturer) == "LECTURER"
//   ParseEnum<Role>("lecturer") == Role::kLecturer
#ifndef KOKEMUS_SERVICES_DOMAIN_ENUM_NAMES_H_
#define KOKEMUS_SERVICES_DOMAIN_ENUM_NAMES_H_

#include <optional>
#include <span>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "services/domain/fees.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

// All names of enum E, indexed by value; index 0 is "UNSPECIFIED".
template <typename E>
std::span<const absl::string_view> EnumNames();

template <>
std::span<const absl::string_view> EnumNames<ExperienceArea>();
template <>
std::span<const absl::string_view> EnumNames<Role>();
template <>
std::span<const absl::string_view> EnumNames<PaymentMethod>();
template <>
std::span<const absl::string_view> EnumNames<NotificationChannel>();
template <>
std::span<const absl::string_view> EnumNames<Weekday>();
template <>
std::span<const absl::string_view> EnumNames<PayRuleKind>();
template <>
std::span<const absl::string_view> EnumNames<BenefitLimitKind>();
template <>
std::span<const absl::string_view> EnumNames<ExpertState>();
template <>
std::span<const absl::string_view> EnumNames<OrganizationState>();
template <>
std::span<const absl::string_view> EnumNames<Sector>();
template <>
std::span<const absl::string_view> EnumNames<OrganizationKind>();
template <>
std::span<const absl::string_view> EnumNames<Audience>();
template <>
std::span<const absl::string_view> EnumNames<OrderState>();
template <>
std::span<const absl::string_view> EnumNames<CancelledBy>();
template <>
std::span<const absl::string_view> EnumNames<CancelReason>();
template <>
std::span<const absl::string_view> EnumNames<DeclineReason>();
template <>
std::span<const absl::string_view> EnumNames<AssignmentState>();
template <>
std::span<const absl::string_view> EnumNames<OfferKind>();
template <>
std::span<const absl::string_view> EnumNames<CourseKind>();
template <>
std::span<const absl::string_view> EnumNames<CredentialKind>();
template <>
std::span<const absl::string_view> EnumNames<EnrolmentState>();
template <>
std::span<const absl::string_view> EnumNames<FeeKind>();
template <>
std::span<const absl::string_view> EnumNames<FeedbackSource>();

// True when `value` is one of E's defined values (UNSPECIFIED included).
template <typename E>
bool IsKnown(E value) {
  const int i = static_cast<int>(value);
  return i >= 0 && static_cast<size_t>(i) < EnumNames<E>().size();
}

// The name of a known value; "UNKNOWN" for a value outside the enum.
template <typename E>
absl::string_view EnumName(E value) {
  return IsKnown(value) ? EnumNames<E>()[static_cast<int>(value)] : absl::string_view("UNKNOWN");
}

// Parses a name, case-insensitively; UNSPECIFIED and unknown names give nullopt.
template <typename E>
std::optional<E> ParseEnum(absl::string_view name) {
  const auto names = EnumNames<E>();
  for (size_t i = 1; i < names.size(); ++i) {
    if (absl::EqualsIgnoreCase(names[i], name)) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_ENUM_NAMES_H_
