// What the self-service pages' source files share (internal to
// services/web): response helpers, the API called as the signed-in person,
// and one request's visit.
#ifndef KOKEMUS_SERVICES_WEB_PAGE_SUPPORT_H_
#define KOKEMUS_SERVICES_WEB_PAGE_SUPPORT_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "kainjow/mustache.hpp"
#include "kokemus/v1/order.pb.h"
#include "services/domain/access.h"
#include "services/web/pages.h"

namespace kokemus::web {

using Data = kainjow::mustache::data;

inline constexpr char kHtml[] = "text/html; charset=utf-8";
inline constexpr char kText[] = "text/plain; charset=utf-8";

struct Pages::Visit {
  std::string language;
  bool signed_in = false;
  std::string session_key;
  domain::Principal who;
  std::vector<std::string> cookies;  // Set-Cookie values for the answer
};

// 303 See Other to `to` (after a POST: reloading sends nothing again).
Response Redirect(const std::string& to);

// An embedded file of services/web/assets.
std::string Asset(absl::string_view name);

absl::Time FromProto(const google::protobuf::Timestamp& t);
google::protobuf::Timestamp ToProto(absl::Time t);

// "suomi", "svenska", "English": the name of language `code` in `in`.
std::string LanguageName(const std::string& code, const std::string& in);

// The API as the signed-in person: their session key on every call.
std::unique_ptr<grpc::ClientContext> As(const std::string& key);

// The request's value of a form field, trimmed; "" when it is missing.
std::string Field(const Request& r, const std::string& name);

// The API's field violations of a refused call ("order.topic" → why).
std::map<std::string, std::string> Violations(const grpc::Status& s);

// "exchanges/x/orders/o/assignments/a" → "exchanges/x/orders/o".
std::string OrderOf(const std::string& assignment);

// Whether `source`'s feedback on `a` is given (as the caller may see it).
bool FeedbackGiven(const v1::Assignment& a, v1::Feedback::Source source);

// An assignment's state in words ("Vahvistettu").
std::string AssignmentStateText(v1::Assignment::State state, const std::string& lang);

}  // namespace kokemus::web

#endif  // KOKEMUS_SERVICES_WEB_PAGE_SUPPORT_H_
