// Events for regional systems (WatchEvents, webhooks): what happened to an
// assignment, by resource name and state, never personal data. A stream
// resumes after a cursor, the event's commit-ordered sequence number.
//
//   auto after = ParseEventCursor(request.after());   // "" -> 0
//   for (...) event.set_cursor(FormatEventCursor(seq));
#ifndef KOKEMUS_SERVICES_DOMAIN_EVENTS_H_
#define KOKEMUS_SERVICES_DOMAIN_EVENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/domain/orders.h"

namespace kokemus::domain {

enum class EventKind {
  kUnspecified = 0,
  kAssignmentChanged = 1,  // an assignment moved to a new state
  kContractReady = 2,      // a contract was made for the expert to accept
};
absl::string_view EventKindName(EventKind kind);  // "ASSIGNMENT_CHANGED"
EventKind EventKindFromName(absl::string_view name);

// One event as stored and sent.
struct Event {
  int64_t seq = 0;  // its place in commit order: the cursor after it
  EventKind kind = EventKind::kUnspecified;
  std::string assignment;  // its resource name
  std::string order;       // its order's resource name
  AssignmentState state = AssignmentState::kUnspecified;
  absl::Time time = absl::UnixEpoch();
};

// Whether a move from `from` to `to` is an event (a real move).
bool IsEvent(AssignmentState from, AssignmentState to);

// The cursor after event `seq`, and back; "" is the start (0).
// INVALID_ARGUMENT naming `field` for anything else.
std::string FormatEventCursor(int64_t seq);
absl::StatusOr<int64_t> ParseEventCursor(absl::string_view cursor, absl::string_view field);

// How long a watch waits for new events before it looks again, and how much
// before the call's deadline it ends (OK) so that the caller can go on.
inline constexpr absl::Duration kEventPoll = absl::Milliseconds(500);
inline constexpr absl::Duration kWatchEndsBeforeDeadline = absl::Seconds(1);
// Events sent in one response (or one webhook call) at most.
inline constexpr int kEventsPerResponse = 100;

// Webhooks: each call carries `X-Kokemus-Timestamp` (Unix seconds) and
// `X-Kokemus-Signature: v1=` + hex HMAC-SHA256 keyed with the webhook's
// secret over "{timestamp}.{body}"; a receiver recomputes it and refuses a
// timestamp more than 5 minutes off (replays).
std::string WebhookSignature(absl::string_view secret, int64_t timestamp, absl::string_view body);

// A webhook's address: https, or http to this machine only (127.0.0.1,
// [::1], localhost: a receiver beside the server); no user or password in
// it, at most 2,000 characters. INVALID_ARGUMENT naming `field`.
absl::Status ValidateWebhookUrl(absl::string_view url, absl::string_view field);

// A failing webhook is tried again after domain::RetryDelay of its failures
// so far; it is never given up (events wait), the coordinator sees the error.

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_EVENTS_H_
