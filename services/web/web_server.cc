#include "services/web/web_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/calendar/ics.h"
#include "services/observability/metrics_http.h"

namespace kokemus::web {
namespace {

constexpr char kText[] = "text/plain; charset=utf-8";

MHD_Result Serve(
    void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
    const char*, size_t*, void**) {
  const auto* self = static_cast<const WebServer*>(cls);
  const Answer answer = self->Handle(method, url);
  MHD_Response* response = MHD_create_response_from_buffer(
      answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(response, "Content-Type", answer.content_type.c_str());
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(response, "Cache-Control", "private, no-store");
  if (answer.status == MHD_HTTP_METHOD_NOT_ALLOWED) {
    MHD_add_response_header(response, "Allow", "GET, HEAD");
  }
  const MHD_Result result = MHD_queue_response(connection, answer.status, response);
  MHD_destroy_response(response);
  return result;
}

}  // namespace

Answer WebServer::Handle(const std::string& method, const std::string& path) const {
  if (method != "GET" && method != "HEAD") {
    return {MHD_HTTP_METHOD_NOT_ALLOWED, kText, "only GET\n"};
  }
  absl::string_view token = path;
  if (absl::ConsumePrefix(&token, "/calendar/") && absl::ConsumeSuffix(&token, ".ics")) {
    auto entries = feeds_.Entries(token, clock_.Now());
    if (absl::IsNotFound(entries.status())) {
      return {MHD_HTTP_NOT_FOUND, kText, "no such calendar feed\n"};
    }
    if (!entries.ok()) {
      // The path holds a secret: never logged.
      std::cerr << "web: calendar feed unavailable: " << entries.status().message() << "\n";
      return {MHD_HTTP_SERVICE_UNAVAILABLE, kText, "try again soon\n"};
    }
    return {
        MHD_HTTP_OK, "text/calendar; charset=utf-8",
        calendar::IcsText(entries->entries, calendar::IcsMethod::kPublish, entries->name)};
  }
  return {MHD_HTTP_NOT_FOUND, kText, "not found\n"};
}

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(
    const std::string& listen, storage::CalendarFeedStore& feeds, const domain::Clock& clock) {
  sockaddr_in addr{};
  if (absl::Status s = observability::ParseListenAddress(listen, "--web_listen", addr); !s.ok()) {
    return s;
  }
  std::unique_ptr<WebServer> server(new WebServer(feeds, clock));
  server->daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, nullptr, nullptr, &Serve,
      server.get(), MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
      MHD_OPTION_CONNECTION_LIMIT, 200u, MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot serve the web pages on ", listen));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(server->daemon_, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info ? info->port : ntohs(addr.sin_port);
  return server;
}

WebServer::~WebServer() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

}  // namespace kokemus::web
