// One structured (JSON) log line per RPC on stdout: time, request id, method,
// status code and duration; the same RPC counted in the metrics. Requests and
// responses are never logged: they carry personal, health-related data.
//
//   {"time":"2026-11-22T15:04:05.123Z","request_id":"k3v9...","method":"/kokemus.v1.RegistryService/GetExpert","code":"NOT_FOUND","duration_ms":0.412}
//
// The request id is the caller's `x-request-id` metadata when it is a short
// token, or a fresh one; it goes back in the `x-request-id` trailer.
#ifndef KOKEMUS_SERVICES_RPC_REQUEST_LOG_H_
#define KOKEMUS_SERVICES_RPC_REQUEST_LOG_H_

#include <memory>

#include "absl/strings/string_view.h"
#include "grpcpp/support/server_interceptor.h"
#include "services/observability/metrics.h"

namespace kokemus::rpc {

// Writes a line to stdout, whole, even when threads log at once.
void LogLine(absl::string_view json_object);

// `log`: write the per-request line; `metrics` (may be null): count the RPC.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestLogInterceptorFactory(bool log, observability::Metrics* metrics);

// "OK", "INVALID_ARGUMENT", ...
absl::string_view StatusCodeName(grpc::StatusCode code);

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_REQUEST_LOG_H_
