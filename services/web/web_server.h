// Kokemus's HTTP listener for people (--web_listen), with libmicrohttpd (as
// the metrics listener, already a dependency; it parses form posts with its
// own post processor): the self-service pages and the calendar feeds, both
// answered by web::Pages. Every answer carries the security headers: a
// Content-Security-Policy with no inline script or third-party source, no
// framing, no sniffing, no referrer (addresses hold tokens), no caching.
// With a transcoder, the same listener serves the API as HTTP/JSON under
// /v1/ (and its OpenAPI description at /v1/openapi.json).
//
//   auto web = WebServer::Start("0.0.0.0:8080", pages, &transcoder, OpenApiDocument());
#ifndef KOKEMUS_SERVICES_WEB_WEB_SERVER_H_
#define KOKEMUS_SERVICES_WEB_WEB_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/transcode/transcoder.h"
#include "services/web/pages.h"

struct MHD_Daemon;

namespace kokemus::web {

// The headers every answer carries.
inline constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

class WebServer final {
 public:
  // `listen` is "IPV4:PORT"; port 0 picks a free one. `pages` and `api`
  // (null: no API over HTTP) outlive it.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(
      const std::string& listen, const Pages& pages, const transcode::Transcoder* api = nullptr,
      absl::string_view openapi_json = "");
  ~WebServer();
  int port() const { return port_; }
  const Pages& pages() const { return pages_; }
  const transcode::Transcoder* api() const { return api_; }
  absl::string_view openapi_json() const { return openapi_json_; }

 private:
  WebServer(const Pages& pages, const transcode::Transcoder* api, absl::string_view openapi_json)
      : pages_(pages), api_(api), openapi_json_(openapi_json) {}
  const Pages& pages_;
  const transcode::Transcoder* api_;
  const absl::string_view openapi_json_;  // static, as OpenApiDocument()
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

}  // namespace kokemus::web

#endif  // KOKEMUS_SERVICES_WEB_WEB_SERVER_H_
