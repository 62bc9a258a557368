// Text messages through an operator's HTTP SMS gateway (no gateway runs
// here; the tests post to a local HTTP receiver). One POST per message with
// libcurl: the configured URL, an authorization header and a body from a
// template whose {{to}} and {{text}} are filled in, escaped for the body's
// content type (JSON string or form field).
//
//   SmsSender sms({.url = "https://sms.example.fi/v1/messages",
//                  .authorization = "Bearer ...",
//                  .body_template = R"({"to":"{{to}}","message":"{{text}}"})"});
//   absl::Status s = sms.Send("+358401234567", "Tarjous: ...");
#ifndef KOKEMUS_SERVICES_NOTIFY_SMS_H_
#define KOKEMUS_SERVICES_NOTIFY_SMS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace kokemus::notify {

struct SmsOptions {
  std::string url;                                // the gateway's endpoint; empty: no SMS
  std::string authorization;                      // the Authorization header's value ("" : none)
  std::string content_type = "application/json";  // or application/x-www-form-urlencoded
  std::string body_template = R"({"to":"{{to}}","text":"{{text}}"})";
  absl::Duration timeout = absl::Seconds(30);
};

// The body of a gateway request: the template with {{to}} and {{text}}
// replaced by the values escaped for `content_type`.
std::string SmsRequestBody(
    const SmsOptions& options, const std::string& to, const std::string& text);

class SmsSender final {
 public:
  explicit SmsSender(SmsOptions options) : options_(std::move(options)) {}
  bool enabled() const { return !options_.url.empty(); }
  // OK on a 2xx answer; UNAVAILABLE with the status or curl's error otherwise.
  absl::Status Send(const std::string& to, const std::string& text) const;

 private:
  SmsOptions options_;
};

}  // namespace kokemus::notify

#endif  // KOKEMUS_SERVICES_NOTIFY_SMS_H_
