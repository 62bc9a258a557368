// The one mapping from absl::Status to grpc::Status. Field violations made by
// domain::FieldViolations travel as a google.rpc.BadRequest detail inside a
// google.rpc.Status in the `grpc-status-details-bin` trailer, which standard
// gRPC clients decode.
//
//   return ToGrpcStatus(store.Get<Expert>(key).status());
#ifndef KOKEMUS_SERVICES_RPC_STATUS_H_
#define KOKEMUS_SERVICES_RPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace kokemus::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_STATUS_H_
