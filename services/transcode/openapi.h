// The OpenAPI 3.0 description of the HTTP/JSON API, generated at build time
// from the same protos and HTTP rules the transcoder serves (kokemus-openapi,
// which keeps the protos' comments as descriptions), and served by the
// server at /v1/openapi.json.
//
//   std::string json(OpenApiDocument());   // {"openapi":"3.0.3",...}
#ifndef KOKEMUS_SERVICES_TRANSCODE_OPENAPI_H_
#define KOKEMUS_SERVICES_TRANSCODE_OPENAPI_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace kokemus::transcode {

// The document built into the server (generated openapi_document.cc).
absl::string_view OpenApiDocument();

// The document for every service in `files`, their messages and enums as
// schemas. INVALID_ARGUMENT for a bad HTTP rule or two methods at one address.
absl::StatusOr<std::string> BuildOpenApi(
    const std::vector<const google::protobuf::FileDescriptor*>& files);

}  // namespace kokemus::transcode

#endif  // KOKEMUS_SERVICES_TRANSCODE_OPENAPI_H_
