// Kokemus's HTTP listener for people (--web_listen), with libmicrohttpd as
// the metrics listener: today the calendar feeds (GET /calendar/{token}.ics,
// an iCalendar of the person's upcoming tasks that calendar programs
// subscribe to); the self-service pages come here too. Every answer carries
// the security headers (no sniffing, no referrer: addresses hold tokens).
//
//   auto web = WebServer::Start("0.0.0.0:8080", feeds, clock);
#ifndef KOKEMUS_SERVICES_WEB_WEB_SERVER_H_
#define KOKEMUS_SERVICES_WEB_WEB_SERVER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/domain/clock.h"
#include "services/storage/calendar_feed_store.h"

struct MHD_Daemon;

namespace kokemus::web {

// What one request gets: status, content type, body.
struct Answer {
  unsigned int status = 200;
  std::string content_type;
  std::string body;
};

class WebServer final {
 public:
  // `listen` is "IPV4:PORT"; port 0 picks a free one.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(
      const std::string& listen, storage::CalendarFeedStore& feeds, const domain::Clock& clock);
  ~WebServer();
  int port() const { return port_; }

  // The answer to `method` on `path` (the routing, without the network).
  Answer Handle(const std::string& method, const std::string& path) const;

 private:
  WebServer(storage::CalendarFeedStore& feeds, const domain::Clock& clock)
      : feeds_(feeds), clock_(clock) {}
  storage::CalendarFeedStore& feeds_;
  const domain::Clock& clock_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;
};

}  // namespace kokemus::web

#endif  // KOKEMUS_SERVICES_WEB_WEB_SERVER_H_
