#include "services/domain/events.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/domain/digest.h"
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

std::string WebhookSignature(absl::string_view secret, int64_t timestamp, absl::string_view body) {
  return absl::StrCat("v1=", HmacSha256Hex(secret, absl::StrCat(timestamp, ".", body)));
}

absl::Status ValidateWebhookUrl(absl::string_view url, absl::string_view field) {
  const std::string f(field);
  if (url.empty()) return InvalidField(f, "is required");
  if (url.size() > 2000) return InvalidField(f, "must be at most 2000 characters");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7f) {
      return InvalidField(f, "must not hold spaces or control characters");
    }
  }
  absl::string_view rest = url;
  bool https = absl::ConsumePrefix(&rest, "https://");
  if (!https && !absl::ConsumePrefix(&rest, "http://")) {
    return InvalidField(f, "must be an https:// address");
  }
  const absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty()) return InvalidField(f, "has no host");
  if (absl::StrContains(authority, "@")) {
    return InvalidField(f, "must not hold a user name or password");
  }
  if (!https) {
    absl::string_view host = authority;
    if (absl::StartsWith(host, "[")) {
      host = host.substr(0, host.find(']') + 1);
    } else {
      host = host.substr(0, host.find(':'));
    }
    if (host != "127.0.0.1" && host != "[::1]" && host != "localhost") {
      return InvalidField(f, "must be an https:// address (http only to this machine)");
    }
  }
  return absl::OkStatus();
}

}  // namespace kokemus::domain
