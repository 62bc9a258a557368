// Conversion between the kokemus.v1 protos and the domain structs. Enum
// numbers are equal on both sides (checked at compile time in convert.cc), so
// an unknown number survives the conversion and validation reports it.
//
//   domain::Expert e = FromProto(request.expert());
//   *response.mutable_expert() = ToProto(stored_expert);
#ifndef KOKEMUS_SERVICES_RPC_CONVERT_H_
#define KOKEMUS_SERVICES_RPC_CONVERT_H_

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "kokemus/v1/exchange.pb.h"
#include "kokemus/v1/expert.pb.h"
#include "kokemus/v1/fee_schedule.pb.h"
#include "kokemus/v1/order.pb.h"
#include "kokemus/v1/organization.pb.h"
#include "services/domain/fees.h"
#include "services/domain/model.h"
#include "services/domain/orders.h"

namespace kokemus::rpc {

// Output-only fields (name, etag, times) are ignored; ids come from names.
domain::Exchange FromProto(const v1::Exchange& proto);
domain::Expert FromProto(const v1::Expert& proto);
domain::Organization FromProto(const v1::Organization& proto);

v1::Exchange ToProto(const domain::Exchange& exchange);
// What an orderer system may see of an expert assigned to its orders: the
// name, display name, roles and languages; no contacts, places, experience
// areas, trainings, availability, limits or earnings.
v1::Expert ToOrdererView(const domain::Expert& e);
// What an expert sees of an organization she works for: who and where, and
// whom to contact there.
v1::Organization ToExpertView(const domain::Organization& o);
v1::Expert ToProto(const domain::Expert& expert);
v1::Organization ToProto(const domain::Organization& organization);

// Orders keep their organization's id (from its resource name, empty if the
// name is malformed); assignments their expert's id likewise.
domain::Order FromProto(const v1::Order& proto);
domain::Assignment FromProto(const v1::Assignment& proto);
domain::Feedback FromProto(const v1::Feedback& proto);
domain::FeeSchedule FromProto(const v1::FeeSchedule& proto);

v1::Order ToProto(const domain::Order& order);
v1::Assignment ToProto(const domain::Assignment& assignment);
v1::Feedback ToProto(const domain::Feedback& feedback);
v1::FeeSchedule ToProto(const domain::FeeSchedule& schedule);

absl::Time FromProto(const google::protobuf::Timestamp& ts);
google::protobuf::Timestamp ToProto(absl::Time time);

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_CONVERT_H_
