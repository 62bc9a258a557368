#include "services/web/web_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "services/observability/metrics_http.h"

namespace kokemus::web {
namespace {

// A form post larger than this is refused (the pages' forms are small).
constexpr size_t kMaxFormBytes = 64 * 1024;
// An API request's JSON body larger than this is refused.
constexpr size_t kMaxApiBodyBytes = 4 * 1024 * 1024;

// One request while its body arrives.
struct Pending {
  Request request;
  MHD_PostProcessor* post = nullptr;
  bool api = false;  // an API call: its body is kept whole, as JSON
  std::string body;
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

MHD_Result CollectArgument(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* query = static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
  if (key != nullptr) query->emplace_back(key, value == nullptr ? "" : value);
  return MHD_YES;
}

std::string Header(MHD_Connection* connection, const char* name) {
  const char* value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value == nullptr ? "" : value;
}

void AddHeaders(
    MHD_Response* response, const std::string& content_type,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  MHD_add_response_header(response, "Content-Type", content_type.c_str());
  MHD_add_response_header(response, "Content-Security-Policy", kContentSecurityPolicy);
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(response, "X-Frame-Options", "DENY");
  MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(response, "Cache-Control", "private, no-store");
  for (const auto& [name, value] : headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
}

MHD_Result Respond(MHD_Connection* connection, const Response& answer, bool head) {
  MHD_Response* response = MHD_create_response_from_buffer(
      head ? 0 : answer.body.size(), const_cast<char*>(answer.body.data()), MHD_RESPMEM_MUST_COPY);
  AddHeaders(response, answer.content_type, answer.headers);
  const MHD_Result result = MHD_queue_response(connection, answer.status, response);
  MHD_destroy_response(response);
  return result;
}

// A streaming API answer, written chunk by chunk (chunked encoding) as the
// call produces them; a call that fails midway cuts the answer short.
struct StreamBody {
  std::unique_ptr<transcode::Transcoder::Stream> stream;
  std::string chunk;
  size_t offset = 0;
};

ssize_t ReadStream(void* cls, uint64_t, char* buffer, size_t max) {
  auto* body = static_cast<StreamBody*>(cls);
  while (body->offset >= body->chunk.size()) {
    body->chunk.clear();
    body->offset = 0;
    if (!body->stream->Next(&body->chunk)) {
      return body->stream->status().ok() ? MHD_CONTENT_READER_END_OF_STREAM
                                         : MHD_CONTENT_READER_END_WITH_ERROR;
    }
  }
  const size_t n = std::min(max, body->chunk.size() - body->offset);
  std::memcpy(buffer, body->chunk.data() + body->offset, n);
  body->offset += n;
  return static_cast<ssize_t>(n);
}

void FreeStream(void* cls) { delete static_cast<StreamBody*>(cls); }

// An API call: GET /v1/openapi.json, or a method by its HTTP rule.
MHD_Result ServeApi(const WebServer& self, MHD_Connection* connection, Pending& pending) {
  const Request& request = pending.request;
  if (request.path == "/v1/openapi.json" && request.method == "GET") {
    return Respond(
        connection, {200, "application/json", std::string(self.openapi_json()), {}}, false);
  }
  transcode::HttpCall call;
  call.method = request.method;
  call.path = request.path;
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &CollectArgument, &call.query);
  call.body = std::move(pending.body);
  call.authorization = Header(connection, "Authorization");
  call.request_id = Header(connection, "X-Request-Id");
  call.timeout = Header(connection, "X-Server-Timeout");
  call.client_address = request.client_address;
  transcode::Transcoder::Answer answer = self.api()->Handle(call);
  if (answer.stream == nullptr) {
    return Respond(
        connection,
        {static_cast<unsigned>(answer.response.status), answer.response.content_type,
         std::move(answer.response.body), std::move(answer.response.headers)},
        false);
  }
  auto* body = new StreamBody{std::move(answer.stream), "", 0};
  MHD_Response* response = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, 64 * 1024, &ReadStream, body, &FreeStream);
  AddHeaders(response, answer.response.content_type, answer.response.headers);
  const MHD_Result result =
      MHD_queue_response(connection, static_cast<unsigned>(answer.response.status), response);
  MHD_destroy_response(response);
  return result;
}

std::string ClientAddress(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {};
  const sockaddr* addr = info->client_addr;
  if (addr->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, text, sizeof text);
  } else if (addr->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, text, sizeof text);
  }
  return text;
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
    pending->api = self->api() != nullptr && transcode::Transcoder::IsApiPath(url);
    if (pending->request.method == "POST" && !pending->api) {
      pending->post = MHD_create_post_processor(connection, 8 * 1024, &CollectField, pending);
    }
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    pending->received += *upload_data_size;
    if (pending->received > (pending->api ? kMaxApiBodyBytes : kMaxFormBytes)) {
      pending->too_large = true;
    } else if (pending->api) {
      pending->body.append(upload_data, *upload_data_size);
    } else if (pending->post != nullptr) {
      MHD_post_process(pending->post, upload_data, *upload_data_size);
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  Request& request = pending->request;
  if (pending->too_large) {
    if (pending->api) {
      return Respond(
          connection,
          {413, "application/json", R"({"code":3,"message":"body: larger than 4 MiB"})", {}},
          false);
    }
    return Respond(connection, {413, "text/plain; charset=utf-8", "too large\n", {}}, false);
  }
  // The peer's address (a proxy's, behind one), for the per-address limits.
  request.client_address = ClientAddress(connection);
  if (pending->api) return ServeApi(*self, connection, *pending);
  MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, &CollectQuery, &request);
  request.cookie = Header(connection, "Cookie");
  request.accept_language = Header(connection, "Accept-Language");
  return Respond(connection, self->pages().Handle(request), request.method == "HEAD");
}

void Completed(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<Pending*>(*state);
  *state = nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(
    const std::string& listen, const Pages& pages, const transcode::Transcoder* api,
    absl::string_view openapi_json) {
  sockaddr_in addr{};
  if (absl::Status s = observability::ParseListenAddress(listen, "--web_listen", addr); !s.ok()) {
    return s;
  }
  std::unique_ptr<WebServer> server(new WebServer(pages, api, openapi_json));
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
