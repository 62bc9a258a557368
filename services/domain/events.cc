#include "services/domain/events.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/domain/validation.h"

namespace kokemus::domain {

absl::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kAssignmentChanged:
      return "ASSIGNMENT_CHANGED";
    case EventKind::kContractReady:
      return "CONTRACT_READY";
    case EventKind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

EventKind EventKindFromName(absl::string_view name) {
  for (EventKind k : {EventKind::kAssignmentChanged, EventKind::kContractReady}) {
    if (EventKindName(k) == name) return k;
  }
  return EventKind::kUnspecified;
}

bool IsEvent(AssignmentState from, AssignmentState to) {
  return from != to && to != AssignmentState::kUnspecified;
}

std::string FormatEventCursor(int64_t seq) { return absl::StrCat(seq); }

absl::StatusOr<int64_t> ParseEventCursor(absl::string_view cursor, absl::string_view field) {
  if (cursor.empty()) return 0;
  int64_t seq = 0;
  if (cursor.size() > 19 || !absl::SimpleAtoi(cursor, &seq) || seq < 0 ||
      FormatEventCursor(seq) != cursor) {
    return InvalidField(
        std::string(field),
        absl::StrCat("\"", cursor.substr(0, 40), "\" is not a cursor of this stream"));
  }
  return seq;
}

}  // namespace kokemus::domain
