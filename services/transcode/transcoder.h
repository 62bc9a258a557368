// HTTP/JSON in front of the gRPC API, driven by the `google.api.http` rules
// in the protos: a request is matched to a route, turned into the method's
// request message (path variables, query parameters, the JSON body by
// protobuf's canonical JSON mapping) and sent to the server's own in-process
// channel, so the same interceptors, keys, roles, audit, limits, deadlines
// and request ids apply as to a gRPC caller. Nothing here knows a method: a
// new RPC with a rule is served as it is.
//
//   auto transcoder = Transcoder::ForServices(channel, {"kokemus.v1.RegistryService"});
//   HttpCall call{.method = "GET", .path = "/v1/exchanges/ph/experts/kaisa", ...};
//   Transcoder::Answer answer = (*transcoder)->Handle(call);
//   // answer.response.status == 200, answer.response.body == "{\"name\": ...}"
//
// Errors are google.rpc.Status as JSON (with the BadRequest details), under
// the HTTP status google/rpc/code.proto gives each code. A server-streaming
// method answers with a stream of chunks: the raw text of its
// `response_body` field (the CSV exports) or one JSON message per line.
#ifndef KOKEMUS_SERVICES_TRANSCODE_TRANSCODER_H_
#define KOKEMUS_SERVICES_TRANSCODE_TRANSCODER_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "services/transcode/http_rules.h"

namespace kokemus::transcode {

// The metadata key that carries the HTTP client's address to the server,
// which trusts it only from its own in-process channel.
inline constexpr char kHttpClientAddressKey[] = "x-kokemus-http-client";

struct HttpCall {
  std::string method;  // "GET", ...
  std::string path;    // as sent, percent-encoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string body;
  std::string authorization;   // the Authorization header
  std::string request_id;      // X-Request-Id
  std::string timeout;         // X-Server-Timeout: seconds, as "2.5"
  std::string client_address;  // the peer's IP address
};

struct HttpAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The HTTP status for a gRPC code (google/rpc/code.proto).
int HttpStatusOf(grpc::StatusCode code);

class Transcoder final {
 public:
  // A server-streaming call's answer, read chunk by chunk.
  class Stream {
   public:
    virtual ~Stream() = default;
    // The next chunk, or false at the end (then status() tells how it ended).
    virtual bool Next(std::string* chunk) = 0;
    virtual grpc::Status status() const = 0;
  };
  struct Answer {
    HttpAnswer response;             // a unary answer, or a stream's headers
    std::unique_ptr<Stream> stream;  // set for a stream that started well
  };

  // The routes of the named services, found in the compiled descriptors.
  static absl::StatusOr<std::unique_ptr<Transcoder>> ForServices(
      std::shared_ptr<grpc::Channel> channel, const std::vector<std::string>& services);

  // Whether the path is one of the API's (then Handle answers it, 404 for
  // a path no route takes).
  static bool IsApiPath(absl::string_view path);

  Answer Handle(const HttpCall& call) const;

  const std::vector<HttpRoute>& routes() const { return routes_; }

 private:
  Transcoder(std::shared_ptr<grpc::Channel> channel, std::vector<HttpRoute> routes);

  std::unique_ptr<grpc::GenericStub> stub_;
  std::vector<HttpRoute> routes_;
};

}  // namespace kokemus::transcode

#endif  // KOKEMUS_SERVICES_TRANSCODE_TRANSCODER_H_
