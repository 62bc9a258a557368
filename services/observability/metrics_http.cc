#include "services/observability/metrics_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kokemus::observability {

struct MetricsHttpAccess {
  static MHD_Result Handle(
      void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
      const char*, size_t*, void**) {
    auto* self = static_cast<MetricsHttpServer*>(cls);
    std::string body;
    unsigned int status = MHD_HTTP_OK;
    const char* type = "text/plain; version=0.0.4; charset=utf-8";
    if (std::strcmp(method, "GET") != 0) {
      status = MHD_HTTP_METHOD_NOT_ALLOWED;
      body = "only GET\n";
    } else if (std::strcmp(url, "/metrics") != 0) {
      status = MHD_HTTP_NOT_FOUND;
      body = "see /metrics\n";
    } else {
      body = self->metrics_.Render();
    }
    MHD_Response* response =
        MHD_create_response_from_buffer(body.size(), body.data(), MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(response, "Content-Type", type);
    const MHD_Result result = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return result;
  }
};

absl::Status ParseListenAddress(const std::string& listen, const char* flag, sockaddr_in& addr) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  addr = sockaddr_in{};
  addr.sin_family = AF_INET;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535 ||
      inet_pton(AF_INET, listen.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " must be IPV4:PORT, for example 0.0.0.0:9090"));
  }
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, const Metrics& metrics) {
  sockaddr_in addr{};
  if (absl::Status s = ParseListenAddress(listen, "metrics address", addr); !s.ok()) return s;
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(metrics));
  // MHD binds 0.0.0.0 unless it is given the address.
  server->daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, nullptr, nullptr,
      &MetricsHttpAccess::Handle, server.get(), MHD_OPTION_SOCK_ADDR, &addr,
      MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : ntohs(addr.sin_port);
  return server;
}

MetricsHttpServer::~MetricsHttpServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

}  // namespace kokemus::observability
