// The HTTP routes of an API, read from the `google.api.http` option of each
// method (googleapis' HttpRule, with its additional bindings). The transcoder
// serves them and the OpenAPI generator describes them, from the same list.
//
//   auto routes = HttpRoutes(*pool.FindServiceByName("kokemus.v1.RegistryService"));
//   // routes->front().http_method == "POST", .body == "exchange", ...
#ifndef KOKEMUS_SERVICES_TRANSCODE_HTTP_RULES_H_
#define KOKEMUS_SERVICES_TRANSCODE_HTTP_RULES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "services/transcode/path_template.h"

namespace kokemus::transcode {

struct HttpRoute {
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string http_method;  // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string path_text;    // "/v1/{name=exchanges/*/experts/*}"
  PathTemplate path;
  // The request fields the path's variables set, in the order of
  // path.variables(): each a chain from the request message to a scalar.
  std::vector<std::vector<const google::protobuf::FieldDescriptor*>> path_fields;
  // "" (no body), "*" (the whole request) or one message field of the request.
  std::string body;
  const google::protobuf::FieldDescriptor* body_field = nullptr;
  // "" (the whole response) or one field of the response.
  std::string response_body;
  const google::protobuf::FieldDescriptor* response_field = nullptr;
  int binding = 0;  // 0 for the rule itself, 1... for its additional bindings
};

// The service's routes, in method order. A method without the option has no
// route; a rule that names a missing field or a path that does not parse is
// INVALID_ARGUMENT naming the method.
absl::StatusOr<std::vector<HttpRoute>> HttpRoutes(
    const google::protobuf::ServiceDescriptor& service);

// Whether the route answers with the raw value of one string or bytes field
// (its response_body), not with JSON.
bool IsRawResponse(const HttpRoute& route);

// The media type of a raw answer, by its field: "csv" is CSV, "json" JSON,
// other text plain, and bytes are the API's documents, PDF (a response's own
// `mime_type`, where it has one, says better).
std::string RawMediaType(const HttpRoute& route);

// The field `name` (its proto name or its JSON name) of `message`, or null.
const google::protobuf::FieldDescriptor* FindField(
    const google::protobuf::Descriptor& message, absl::string_view name);

}  // namespace kokemus::transcode

#endif  // KOKEMUS_SERVICES_TRANSCODE_HTTP_RULES_H_
