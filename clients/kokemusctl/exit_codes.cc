#include "clients/kokemusctl/exit_codes.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/kokemusctl/help.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace kokemus::cli {

int ExitCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 3;
    case grpc::StatusCode::NOT_FOUND:
      return 4;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 5;
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 6;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 7;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return 8;
    default:
      return 1;
  }
}

namespace {

std::string CodeText(grpc::StatusCode code) {
  static const std::map<grpc::StatusCode, std::string> kText = {
      {grpc::StatusCode::INVALID_ARGUMENT, "invalid argument"},
      {grpc::StatusCode::NOT_FOUND, "not found"},
      {grpc::StatusCode::ALREADY_EXISTS, "already exists"},
      {grpc::StatusCode::ABORTED, "conflict"},
      {grpc::StatusCode::FAILED_PRECONDITION, "failed precondition"},
      {grpc::StatusCode::UNAVAILABLE, "server unavailable"},
      {grpc::StatusCode::DEADLINE_EXCEEDED, "timed out"},
      {grpc::StatusCode::UNAUTHENTICATED, "not authenticated"},
      {grpc::StatusCode::PERMISSION_DENIED, "permission denied"}};
  auto it = kText.find(code);
  return it == kText.end() ? absl::StrCat("error ", static_cast<int>(code)) : it->second;
}

}  // namespace

int ReportError(const grpc::Status& status, std::ostream& err) {
  std::string reason = status.error_message();
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    std::vector<std::string> violations;
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad_request;
      if (!any.UnpackTo(&bad_request)) continue;
      for (const auto& v : bad_request.field_violations()) {
        violations.push_back(absl::StrCat(v.field(), ": ", v.description()));
      }
    }
    if (!violations.empty()) reason = absl::StrJoin(violations, "; ");
  }
  absl::StrReplaceAll({{"\n", " "}}, &reason);
  // The server words its texts for API callers; here they name commands.
  reason = NameCommands(reason);
  err << "kokemusctl: " << CodeText(status.error_code()) << ": " << reason << "\n";
  return ExitCode(status.error_code());
}

}  // namespace kokemus::cli
