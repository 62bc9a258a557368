// One structured (JSON) log line per RPC: time, method, status code and
// duration. Requests and responses are never logged: they carry personal,
// health-related data.
//
//   {"time":"2026-11-22T15:04:05.123Z","method":"/kokemus.v1.RegistryService/GetExpert","code":"NOT_FOUND","duration_ms":0.412}
#ifndef KOKEMUS_SERVICES_RPC_REQUEST_LOG_H_
#define KOKEMUS_SERVICES_RPC_REQUEST_LOG_H_

#include <memory>

#include "absl/strings/string_view.h"


#include "grpcpp/support/server_interceptor.h"

namespace kokemus::rpc {

// Writes a line to stderr, whole, even when threads log at once.
void LogLine(absl::string_view json_object);

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestLogInterceptorFactory();

// "OK", "INVALID_ARGUMENT", ...
absl::string_view StatusCodeName(grpc::StatusCode code);

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_REQUEST_LOG_H_
