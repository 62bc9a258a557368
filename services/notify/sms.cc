#include "services/notify/sms.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "nlohmann/json.hpp"
#include "services/notify/curl_init.h"

namespace kokemus::notify {
namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
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

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

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
  InitCurl();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) return absl::UnavailableError("SMS: cannot start libcurl");
  CURL* c = curl.get();
  char error[CURL_ERROR_SIZE] = {0};
  const std::string body = SmsRequestBody(options_, to, text);
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(
      c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(options_.timeout)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  curl_slist* raw =
      curl_slist_append(nullptr, absl::StrCat("Content-Type: ", options_.content_type).c_str());
  if (!options_.authorization.empty()) {
    raw = curl_slist_append(raw, absl::StrCat("Authorization: ", options_.authorization).c_str());
  }
  std::unique_ptr<curl_slist, ListDeleter> headers(raw);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  const CURLcode result = curl_easy_perform(c);
  if (result != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("SMS: ", error[0] != '\0' ? error : curl_easy_strerror(result)));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    return absl::UnavailableError(absl::StrCat("SMS: the gateway answered HTTP ", status));
  }
  return absl::OkStatus();
}

}  // namespace kokemus::notify
