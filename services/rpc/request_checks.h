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
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"
#include "services/domain/listing.h"
#include "services/domain/validation.h"
#include "services/rpc/convert.h"

namespace kokemus::rpc {

absl::Status CheckRequestFields(const google::protobuf::Message& request);

// An update's mask for the domain (domain::UpdateMask): the paths given, and
// the fields `resource` sets (non-default) for an empty mask. The message
// fields named in `nested` are listed by their own set fields
// ("weights.travel"), so an update merges into them.
domain::UpdateMask MaskOf(
    const google::protobuf::FieldMask& mask, const google::protobuf::Message& resource,
    const std::set<std::string>& nested = {});

// A report's period: tasks starting in [from, to).
struct Period {
  absl::Time from;
  absl::Time to;
};
// The longest period a report covers.
inline constexpr int kMaxReportYears = 5;

// The request's [start_time, end_time), both required, at most 5 years
// apart; what is wrong goes to `v`.
template <typename Request>
Period ParsePeriod(const Request& request, domain::FieldViolations& v) {
  if (!request.has_start_time()) v.Add("start_time", "is required");
  if (!request.has_end_time()) v.Add("end_time", "is required");
  Period p{FromProto(request.start_time()), FromProto(request.end_time())};
  if (request.has_start_time() && request.has_end_time()) {
    if (p.to <= p.from) {
      v.Add("end_time", "must be after start_time");
    } else if (p.to - p.from > absl::Hours(24 * (366 * kMaxReportYears))) {
      v.Add(
          "end_time", absl::StrCat("must be at most ", kMaxReportYears, " years after start_time"));
    }
  }
  return p;
}

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_REQUEST_CHECKS_H_
