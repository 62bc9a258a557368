#include "services/rpc/request_log.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/domain/validation.h"

namespace kokemus::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

// A caller's request id is used as given only if it is a short token that
// can't break the log line or smuggle data: letters, digits, '-', '_', '.'.
bool IsSafeRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

class RequestLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  RequestLogInterceptor(
      grpc::experimental::ServerRpcInfo* info, bool log, observability::Metrics* metrics)
      : method_(info->method() ? info->method() : ""),
        start_(absl::Now()),
        log_(log),
        metrics_(metrics) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      if (auto* md = methods->GetRecvInitialMetadata()) {
        auto it = md->find("x-request-id");
        if (it != md->end()) {
          const absl::string_view given(it->second.data(), it->second.size());
          if (IsSafeRequestId(given)) request_id_ = std::string(given);
        }
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // gRPC hands no message on when the bytes don't parse as the request.
      unparseable_ = methods->GetRecvMessage() == nullptr;
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      if (request_id_.empty()) request_id_ = domain::GenerateId();
      methods->GetSendTrailingMetadata()->insert({"x-request-id", request_id_});
      if (unparseable_ && methods->GetSendStatus().error_code() == grpc::StatusCode::INTERNAL) {
        // gRPC answers such a request INTERNAL with no message, as if the
        // server had failed (and the error-rate alert fired): it is the
        // caller's bad input.
        methods->ModifySendStatus(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            "request: the message is not a valid protocol buffer of the method's request type"));
      }
      const grpc::Status status = methods->GetSendStatus();
      const absl::string_view code = StatusCodeName(status.error_code());
      const absl::Duration took = absl::Now() - start_;
      if (metrics_ != nullptr) {
        metrics_->RecordRequest(method_, code, absl::ToDoubleSeconds(took));
      }
      if (log_) {
        // Method names come from the service descriptors and the request id
        // is a checked token: no quoting needed.
        LogLine(absl::StrFormat(
            R"({"time":"%s","request_id":"%s","method":"%s","code":"%s","duration_ms":%.3f})",
            absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()), request_id_,
            method_, code, absl::ToDoubleMilliseconds(took)));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
  const absl::Time start_;
  const bool log_;
  observability::Metrics* const metrics_;
  std::string request_id_;
  bool unparseable_ = false;
};

class RequestLogFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RequestLogFactory(bool log, observability::Metrics* metrics) : log_(log), metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RequestLogInterceptor(info, log_, metrics_);
  }

 private:
  const bool log_;
  observability::Metrics* const metrics_;
};

}  // namespace

void LogLine(absl::string_view json_object) {
  static std::mutex* mu = new std::mutex;
  std::lock_guard<std::mutex> lock(*mu);
  std::fprintf(stdout, "%.*s\n", static_cast<int>(json_object.size()), json_object.data());
  std::fflush(stdout);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestLogInterceptorFactory(bool log, observability::Metrics* metrics) {
  return std::make_unique<RequestLogFactory>(log, metrics);
}

absl::string_view StatusCodeName(grpc::StatusCode code) {
  static constexpr absl::string_view kNames[] = {"OK",
                                                 "CANCELLED",
                                                 "UNKNOWN",
                                                 "INVALID_ARGUMENT",
                                                 "DEADLINE_EXCEEDED",
                                                 "NOT_FOUND",
                                                 "ALREADY_EXISTS",
                                                 "PERMISSION_DENIED",
                                                 "RESOURCE_EXHAUSTED",
                                                 "FAILED_PRECONDITION",
                                                 "ABORTED",
                                                 "OUT_OF_RANGE",
                                                 "UNIMPLEMENTED",
                                                 "INTERNAL",
                                                 "UNAVAILABLE",
                                                 "DATA_LOSS",
                                                 "UNAUTHENTICATED"};
  const int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : absl::string_view("UNKNOWN");
}

}  // namespace kokemus::rpc
