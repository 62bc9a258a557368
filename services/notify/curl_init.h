// libcurl's global initialization, once, before the first handle
// (curl_global_init is thread-safe since 7.84; Debian 12 has 7.88).
#ifndef KOKEMUS_SERVICES_NOTIFY_CURL_INIT_H_
#define KOKEMUS_SERVICES_NOTIFY_CURL_INIT_H_

#include <curl/curl.h>

namespace kokemus::notify {

inline void InitCurl() {
  static const bool initialized = [] {
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  }();
  (void)initialized;
}

}  // namespace kokemus::notify

#endif  // KOKEMUS_SERVICES_NOTIFY_CURL_INIT_H_
