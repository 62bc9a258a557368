// Checks every request gets before its method sees it, from the message's
// descriptor alone: no method can forget them.
//
//   if (absl::Status s = CheckRequestFields(*request); !s.ok()) return s;
//
// - google.protobuf.Timestamp values lie in the range the type defines
//   (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, nanos 0 to
//   999,999,999): out of it, a time was stored as year ~294,000 or read back
//   changed;
// - enum values are ones the API defines (proto3 keeps unknown numbers).
// The answer is INVALID_ARGUMENT with a field violation per bad value, named
// by its path ("order.start_time", "role_rules[3].kind").
#ifndef KOKEMUS_SERVICES_RPC_REQUEST_CHECKS_H_
#define KOKEMUS_SERVICES_RPC_REQUEST_CHECKS_H_

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace kokemus::rpc {

absl::Status CheckRequestFields(const google::protobuf::Message& request);

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_REQUEST_CHECKS_H_
