// What every RPC handler shares: the exception guard with the one status
// mapping, and the fingerprint that ties a request_id to its request.
//
//   return Guarded([&]() -> absl::Status { ...; return store.Get(...).status(); });
#ifndef KOKEMUS_SERVICES_RPC_HANDLER_H_
#define KOKEMUS_SERVICES_RPC_HANDLER_H_

#include <exception>
#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "grpcpp/support/status.h"
#include "services/domain/digest.h"
#include "services/rpc/status.h"

namespace kokemus::rpc {

// Runs a handler body; an escaping exception becomes INTERNAL without details.
template <typename F>
grpc::Status Guarded(F&& body) {
  try {
    return ToGrpcStatus(body());
  } catch (const std::exception&) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "internal error");
  }
}

// SHA-256 of the request without its request_id, deterministically serialized:
// a repeated request_id with other content is told apart by it.
template <typename Request>
std::string Fingerprint(const Request& request) {
  if (request.request_id().empty()) return "";
  Request copy = request;
  copy.clear_request_id();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  return domain::Sha256Hex(bytes);
}

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_HANDLER_H_
