#include "services/rpc/request_log.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kokemus::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RequestLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit RequestLogInterceptor(grpc::experimental::ServerRpcInfo* info)
      : method_(info->method() ? info->method() : ""), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      // Method names come from the service descriptors: no quoting needed.
      LogLine(absl::StrFormat(
          R"({"time":"%s","method":"%s","code":"%s","duration_ms":%.3f})",
          absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
          method_, StatusCodeName(status.error_code()),
          absl::ToDoubleMilliseconds(absl::Now() - start_)));
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  const absl::Time start_;
};

class RequestLogFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RequestLogInterceptor(info);
  }
};

}  // namespace

void LogLine(absl::string_view json_object) {
  static std::mutex* mu = new std::mutex;
  std::lock_guard<std::mutex> lock(*mu);
  std::fprintf(stderr, "%.*s\n", static_cast<int>(json_object.size()),
               json_object.data());
  std::fflush(stderr);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestLogInterceptorFactory() {
  return std::make_unique<RequestLogFactory>();
}

absl::string_view StatusCodeName(grpc::StatusCode code) {
  static constexpr absl::string_view kNames[] = {
      "OK",        "CANCELLED",          "UNKNOWN",           "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS",    "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",       "DATA_LOSS",
      "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : absl::string_view("UNKNOWN");
}

}  // namespace kokemus::rpc
