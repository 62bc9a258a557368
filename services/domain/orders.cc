#include "services/domain/orders.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "services/domain/enum_names.h"
#include "services/domain/field_checks.h"
#include "services/reference/calendar.h"
#include "services/reference/reference_data.h"

namespace kokemus::domain {
namespace {}  // namespace

bool HoldsTime(AssignmentState state) {
  return state == AssignmentState::kAccepted || state == AssignmentState::kConfirmed;
}

AssignmentState EffectiveState(const Assignment& a, absl::Time now) {
  if (a.state == AssignmentState::kOffered && a.offer_deadline <= now) {
    return AssignmentState::kLapsed;
  }
  if (a.state == AssignmentState::kAvailable && a.start_time <= now) {
    return AssignmentState::kWithdrawn;
  }
  return a.state;
}

bool StandsBy(AssignmentState state) {
  return state == AssignmentState::kOffered || state == AssignmentState::kAvailable;
}

bool HeldAtErasure(const Assignment& a, absl::Time now) {
  const AssignmentState state = EffectiveState(a, now);
  return (HoldsTime(state) || StandsBy(state)) && a.start_time > now;
}

absl::Status CheckErasure(const std::vector<std::string>& held, bool force) {
  if (held.empty() || force) return absl::OkStatus();
  constexpr size_t kNamed = 10;
  std::string names;
  for (size_t i = 0; i < held.size() && i < kNamed; ++i) {
    absl::StrAppend(&names, i == 0 ? "" : ", ", held[i]);
  }
  if (held.size() > kNamed) absl::StrAppend(&names, " and ", held.size() - kNamed, " more");
  return absl::FailedPreconditionError(absl::StrCat(
      "the expert holds ", held.size(), held.size() == 1 ? " task" : " tasks", " still to come: ",
      names, "; cancel or withdraw them first, or erase with force (recorded in the audit log)"));
}

absl::Status CheckAssignmentTransition(AssignmentState from, AssignmentState to) {
  using S = AssignmentState;
  bool allowed = false;
  switch (to) {
    case S::kAccepted:
    case S::kLapsed:
    case S::kAvailable:
      allowed = from == S::kOffered;
      break;
    case S::kDeclined:
    case S::kWithdrawn:
      allowed = StandsBy(from);
      break;
    case S::kOffered:  // a backup is offered a place that freed
      allowed = from == S::kAvailable;
      break;
    case S::kConfirmed:  // the coordinator confirms an accept or picks one available
      allowed = from == S::kAccepted || from == S::kAvailable;
      break;
    case S::kCompleted:
      allowed = from == S::kConfirmed;
      break;
    case S::kCancelled:
      allowed = from == S::kAccepted || from == S::kConfirmed;
      break;
    default:
      break;
  }
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("the assignment is ", EnumName(from), " and can't become ", EnumName(to)));
}

bool Conflicts(
    absl::Time start_a, absl::Time end_a, absl::Time start_b, absl::Time end_b,
    absl::Duration buffer) {
  return start_a < end_b + buffer && start_b < end_a + buffer;
}

OrderState OrderStateAfter(const Order& order, const std::vector<Assignment>& assignments) {
  if (order.state == OrderState::kCancelled) return order.state;
  int accepted = 0, confirmed = 0, completed = 0;
  for (const auto& a : assignments) {
    if (a.state == AssignmentState::kAccepted) ++accepted;
    if (a.state == AssignmentState::kConfirmed) ++confirmed;
    if (a.state == AssignmentState::kCompleted) ++completed;
  }
  if (completed > 0 && accepted == 0 && confirmed == 0) return OrderState::kCompleted;
  if (confirmed + completed >= order.experts_needed) return OrderState::kAssigned;
  return OrderState::kOpen;
}

void NormalizeOrder(Order& o) {
  // Times are stored to the microsecond; so are they compared.
  o.start_time = absl::FromUnixMicros(absl::ToUnixMicros(o.start_time));
  if (auto tag = CanonicalLanguageTag(o.language)) o.language = *tag;
  if (o.experts_needed == 0) o.experts_needed = 1;
  if (o.state == OrderState::kUnspecified) o.state = OrderState::kOpen;
}

void ValidateOrder(
    const Order& o, absl::Time now, bool creating, absl::string_view prefix, FieldViolations& v) {
  if (!IsValidId(o.organization_id)) {
    v.Add(
        FieldPath(prefix, "organization"),
        "must be a resource name exchanges/{exchange}/organizations/{organization}");
  }
  CheckRequiredEnum(o.role, FieldPath(prefix, "role"), v);
  CheckText(o.topic, Text::kLine, 500, true, FieldPath(prefix, "topic"), v);
  CheckRequiredEnum(o.audience, FieldPath(prefix, "audience"), v);
  CheckRange(o.audience_size, 0, 10000, FieldPath(prefix, "audience_size"), v);
  if (o.start_time == absl::UnixEpoch()) {
    v.Add(FieldPath(prefix, "start_time"), "is required");
  } else if (creating && o.start_time <= now) {
    v.Add(FieldPath(prefix, "start_time"), "must be in the future");
  }
  CheckRange(o.duration_minutes, 15, 720, FieldPath(prefix, "duration_minutes"), v);
  CheckRange(o.preparation_minutes, 0, 480, FieldPath(prefix, "preparation_minutes"), v);
  CheckText(o.address, Text::kLine, 500, !o.remote, FieldPath(prefix, "address"), v);
  if (o.municipality.empty() && !o.remote) {
    v.Add(FieldPath(prefix, "municipality"), "is required unless remote");
  } else {
    CheckMunicipality(o.municipality, false, FieldPath(prefix, "municipality"), v);
  }
  if (o.language.empty()) {
    v.Add(FieldPath(prefix, "language"), "is required");
  } else if (!CanonicalLanguageTag(o.language)) {
    v.Add(FieldPath(prefix, "language"), "not a BCP-47 language tag such as fi, sv or en");
  }
  CheckEnumList(o.experience_areas, false, FieldPath(prefix, "experience_areas"), v);
  CheckRange(o.experts_needed, 1, 10, FieldPath(prefix, "experts_needed"), v);
  CheckText(o.notes, Text::kParagraphs, 2000, false, FieldPath(prefix, "notes"), v);
}

void ValidateFeedback(const Feedback& f, absl::string_view prefix, FieldViolations& v) {
  CheckRequiredEnum(f.source, FieldPath(prefix, "source"), v);
  if (f.source == FeedbackSource::kOrderer) {
    CheckRange(f.overall_rating, 1, 5, FieldPath(prefix, "overall_rating"), v);
    CheckRange(f.content_rating, 0, 5, FieldPath(prefix, "content_rating"), v);
    if (f.heaviness != 0) v.Add(FieldPath(prefix, "heaviness"), "is the expert's to give");
  }
  if (f.source == FeedbackSource::kExpert) {
    CheckRange(f.heaviness, 1, 5, FieldPath(prefix, "heaviness"), v);
    CheckRange(f.overall_rating, 0, 5, FieldPath(prefix, "overall_rating"), v);
    if (f.content_rating != 0)
      v.Add(FieldPath(prefix, "content_rating"), "is the orderer's to give");
  }
  if (f.source == FeedbackSource::kOrderer &&
      f.support_afterwards != SupportAfterwards::kUnspecified) {
    v.Add(FieldPath(prefix, "support_afterwards"), "is the expert's to give");
  }
  CheckText(f.comment, Text::kParagraphs, 4000, false, FieldPath(prefix, "comment"), v);
}

absl::string_view SupportAnswerName(SupportAfterwards answer) {
  switch (answer) {
    case SupportAfterwards::kYes:
      return "yes";
    case SupportAfterwards::kNo:
      return "no";
    case SupportAfterwards::kNotNeeded:
      return "not_needed";
    default:
      return "";
  }
}

}  // namespace kokemus::domain
