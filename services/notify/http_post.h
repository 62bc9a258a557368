// One HTTP POST with libcurl, for the SMS gateway and webhooks.
//
//   auto status = HttpPost(url, {"Content-Type: application/json"}, body, absl::Seconds(30));
//   // the HTTP status, or UNAVAILABLE (with curl's description) if no answer came
#ifndef KOKEMUS_SERVICES_NOTIFY_HTTP_POST_H_
#define KOKEMUS_SERVICES_NOTIFY_HTTP_POST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kokemus::notify {

// http and https only; the answer's body is read and dropped.
absl::StatusOr<long> HttpPost(
    const std::string& url, const std::vector<std::string>& headers, const std::string& body,
    absl::Duration timeout);

}  // namespace kokemus::notify

#endif  // KOKEMUS_SERVICES_NOTIFY_HTTP_POST_H_
