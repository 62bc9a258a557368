#include "services/web/web_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "services/observability/metrics_http.h"

namespace kokemus::web {
namespace {

// A form post larger than this is refused (the pages' forms are small).
constexpr size_t kMaxFormBytes = 64 * 1024;

// One request while its body arrives.
struct Pending {
  Request request;
  MHD_PostProcessor* post = nullptr;
  size_t received = 0;
  bool too_large = false;
  ~Pending() {
    if (post != nullptr) MHD_destroy_post_processor(post);
  }
};

MHD_Result CollectField(
    void* cls, MHD_ValueKind, const char* key, const char*, const char*, const char*,
    const char* data, uint64_t off, size_t size) {
  auto* pending = static_cast<Pending*>(cls);
  // A field sent more than once (a group of checkboxes): its values joined by ",".
  auto [it, first] = pending->request.form.try_emplace(key);
  std::string& value = it->second;
  if (off == 0 && !first) value.push_back(',');
  if (data != nullptr && size > 0) value.append(data, size);
  return MHD_YES;
}

MHD_Result CollectQuery(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* request = static_cast<Request*>(cls);
  if (key != nullptr) request->query[key] = value == nullptr ? "" : value;
  return MHD_YES;
}

std::string Header(MHD_Connection* connection, const char* name) {
  const char* value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value == nullptr ? "" : value;
}

MHD_Result Respond(MHD_Connection* connection, const Response& answer, bool head) {
  MHD_Response* response = MHD_create_response_from_buffer(
      head ? 0 : answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(response, "Content-Type", answer.content_type.c_str());
  MHD_add_response_header(response, "Content-Security-Policy", kContentSecurityPolicy);
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(response, "X-Frame-Options", "DENY");
  MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(response, "Cache-Control", "private, no-store");
  for (const auto& [name, value] : answer.headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  const MHD_Result result = MHD_queue_response(connection, answer.status, response);
  MHD_destroy_response(response);
  return result;
}

MHD_Result Serve(
    void* cls, MHD_Connection* connection, const char* url, const char* method, const char*,
    const char* upload_data, size_t* upload_data_size, void** state) {
  const auto* self = static_cast<const WebServer*>(cls);
  auto* pending = static_cast<Pending*>(*state);
  if (pending == nullptr) {
    pending = new Pending;
    *state = pending;
    pending->request.method = method;
    pending->request.path = url;
    if (pending->request.method == "POST") {
      pending->post = MHD_create_post_processor(connection, 8 * 1024, &CollectField, pending);
    }
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    pending->received += *upload_data_size;
    if (pending->received > kMaxFormBytes) {
      pending->too_large = true;
    } else if (pending->post != nullptr) {
      MHD_post_process(pending->post, upload_data, *upload_data_size);
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  Request& request = pending->request;
  if (pending->too_large) {
    return Respond(connection, {413, "text/plain; charset=utf-8", "too large\n", {}}, false);
  }
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &CollectQuery, &request);
  request.cookie = Header(connection, "Cookie");
  request.accept_language = Header(connection, "Accept-Language");
  // The peer's address (a proxy's, behind one), for the per-address limits.
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info != nullptr && info->client_addr != nullptr) {
    char text[INET6_ADDRSTRLEN] = {};
    const sockaddr* addr = info->client_addr;
    if (addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof text);
    } else if (addr->sa_family == AF_INET6) {
      inet_ntop(
          AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text, sizeof text);
    }
    request.client_address = text;
  }
  return Respond(connection, self->pages().Handle(request), request.method == "HEAD");
}

void Completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<Pending*>(*state);
  *state = nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(
    const std::string& listen, const Pages& pages) {
  sockaddr_in addr{};
  if (absl::Status s = observability::ParseListenAddress(listen, "--web_listen", addr); !s.ok()) {
    return s;
  }
  std::unique_ptr<WebServer> server(new WebServer(pages));
  // A thread per connection: a page waits on the API and the database, and
  // one slow page must not hold up the others.
  server->daemon_ = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0,
      nullptr, nullptr, &Serve, server.get(), MHD_OPTION_SOCK_ADDR, &addr,
      MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 200u,
      MHD_OPTION_NOTIFY_COMPLETED, &Completed, nullptr, MHD_OPTION_END);
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
