// Serves Metrics::Render() at GET /metrics over HTTP with libmicrohttpd, on its
// own port, so that scraping never competes with the gRPC listener.
//
//   auto http = MetricsHttpServer::Start("0.0.0.0:9090", metrics);
//   (*http)->port();
#ifndef KOKEMUS_SERVICES_OBSERVABILITY_METRICS_HTTP_H_
#define KOKEMUS_SERVICES_OBSERVABILITY_METRICS_HTTP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/observability/metrics.h"

struct MHD_Daemon;
struct sockaddr_in;

namespace kokemus::observability {

// "IPV4:PORT" (port 0: any free one) as a socket address for a listener of
// libmicrohttpd (which would otherwise bind every address); INVALID_ARGUMENT
// naming `flag` ("--metrics_listen") otherwise.
absl::Status ParseListenAddress(const std::string& listen, const char* flag, sockaddr_in& addr);

class MetricsHttpServer final {
 public:
  // `listen` is "HOST:PORT" with an IPv4 host; port 0 picks a free one.
  static absl::StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& listen, const Metrics& metrics);
  int port() const { return port_; }
  ~MetricsHttpServer();

 private:
  explicit MetricsHttpServer(const Metrics& metrics) : metrics_(metrics) {}
  const Metrics& metrics_;
  MHD_Daemon* daemon_ = nullptr;
  int port_ = 0;

  friend struct MetricsHttpAccess;
};

}  // namespace kokemus::observability

#endif  // KOKEMUS_SERVICES_OBSERVABILITY_METRICS_HTTP_H_
