#include "services/notify/sms.h"

#include <curl/curl.h>

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "nlohmann/json.hpp"
#include "services/notify/curl_init.h"
#include "services/notify/http_post.h"

namespace kokemus::notify {
namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};

std::string Escaped(CURL* curl, const std::string& content_type, const std::string& value) {
  if (content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
    char* escaped = curl_easy_escape(curl, value.data(), static_cast<int>(value.size()));
    std::string out(escaped != nullptr ? escaped : "");
    curl_free(escaped);
    return out;
  }
  // A JSON string's content: the dump without its quotes.
  const std::string quoted = nlohmann::json(value).dump();
  return quoted.substr(1, quoted.size() - 2);
}

}  // namespace

std::string SmsRequestBody(
    const SmsOptions& options, const std::string& to, const std::string& text) {
  InitCurl();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  return absl::StrReplaceAll(
      options.body_template, {{"{{to}}", Escaped(curl.get(), options.content_type, to)},
                              {"{{text}}", Escaped(curl.get(), options.content_type, text)}});
}

absl::Status SmsSender::Send(const std::string& to, const std::string& text) const {
  std::vector<std::string> headers = {absl::StrCat("Content-Type: ", options_.content_type)};
  if (!options_.authorization.empty()) {
    headers.push_back(absl::StrCat("Authorization: ", options_.authorization));
  }
  auto status =
      HttpPost(options_.url, headers, SmsRequestBody(options_, to, text), options_.timeout);
  if (!status.ok()) return absl::UnavailableError(absl::StrCat("SMS: ", status.status().message()));
  if (*status < 200 || *status >= 300) {
    return absl::UnavailableError(absl::StrCat("SMS: the gateway answered HTTP ", *status));
  }
  return absl::OkStatus();
}

}  // namespace kokemus::notify
