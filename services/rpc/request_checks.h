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

#include <set>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "services/domain/listing.h"

namespace kokemus::rpc {

absl::Status CheckRequestFields(const google::protobuf::Message& request);

// An update's mask for the domain (domain::UpdateMask): the paths given, and
// the fields `resource` sets (non-default) for an empty mask. The message
// fields named in `nested` are listed by their own set fields
// ("weights.travel"), so an update merges into them.
domain::UpdateMask MaskOf(
    const google::protobuf::FieldMask& mask, const google::protobuf::Message& resource,
    const std::set<std::string>& nested = {});

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_REQUEST_CHECKS_H_
