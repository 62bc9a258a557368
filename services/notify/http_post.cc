#include "services/notify/http_post.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "services/notify/curl_init.h"

namespace kokemus::notify {
namespace {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

absl::StatusOr<long> HttpPost(
    const std::string& url, const std::vector<std::string>& headers, const std::string& body,
    absl::Duration timeout) {
  InitCurl();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (curl == nullptr) return absl::UnavailableError("cannot start libcurl");
  CURL* c = curl.get();
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(absl::ToInt64Milliseconds(timeout)));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  curl_slist* raw = nullptr;
  for (const std::string& header : headers) raw = curl_slist_append(raw, header.c_str());
  std::unique_ptr<curl_slist, ListDeleter> list(raw);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  const CURLcode result = curl_easy_perform(c);
  if (result != CURLE_OK) {
    return absl::UnavailableError(error[0] != '\0' ? error : curl_easy_strerror(result));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

}  // namespace kokemus::notify
