// What the benchmarks of the web listener share: one HTTP/1.1 call with
// libcurl (status, body, milliseconds) and form escaping.
#ifndef KOKEMUS_BENCH_BENCH_HTTP_H_
#define KOKEMUS_BENCH_BENCH_HTTP_H_

#include <curl/curl.h>

#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kokemus::bench {

inline size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// One HTTP call: status, body, milliseconds.
struct Answer {
  long status = 0;
  std::string body;
  double ms = 0;
};

// A GET, or a form POST when `form` is given, with `cookie` ("" : none).
inline Answer Call(
    CURL* curl, const std::string& url, const std::string& cookie, const std::string& form) {
  Answer a;
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_COOKIE, cookie.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &a.body);
  if (!form.empty()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form.c_str());
  const absl::Time t = absl::Now();
  if (curl_easy_perform(curl) != CURLE_OK) return a;
  a.ms = absl::ToDoubleMilliseconds(absl::Now() - t);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &a.status);
  return a;
}

inline std::string Escaped(CURL* curl, const std::string& s) {
  char* e = curl_easy_escape(curl, s.c_str(), static_cast<int>(s.size()));
  std::string out(e);
  curl_free(e);
  return out;
}

}  // namespace kokemus::bench

#endif  // KOKEMUS_BENCH_BENCH_HTTP_H_
