#include "services/transcode/openapi.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/api/field_behavior.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "nlohmann/json.hpp"
#include "services/transcode/http_rules.h"

namespace kokemus::transcode {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using Json = nlohmann::ordered_json;

// A comment from the protos, its lines trimmed of the one leading space.
template <typename D>
std::string CommentOf(const D& descriptor) {
  google::protobuf::SourceLocation location;
  if (!descriptor.GetSourceLocation(&location)) return "";
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(location.leading_comments, '\n')) {
    absl::ConsumePrefix(&line, " ");
    lines.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  return std::string(absl::StripAsciiWhitespace(absl::StrJoin(lines, "\n")));
}

// The first sentence of a comment, for a summary.
std::string Summary(const std::string& comment) {
  const std::string flat = absl::StrReplaceAll(comment, {{"\n", " "}});
  const size_t end = flat.find(". ");
  return end == std::string::npos ? flat : flat.substr(0, end + 1);
}

bool IsOutputOnly(const FieldDescriptor& field) {
  google::protobuf::FieldOptions options;
  if (!options.ParseFromString(field.options().SerializeAsString())) return false;
  for (int i = 0; i < options.ExtensionSize(google::api::field_behavior); ++i) {
    if (options.GetExtension(google::api::field_behavior, i) == google::api::OUTPUT_ONLY) {
      return true;
    }
  }
  return false;
}

class Builder final {
 public:
  absl::Status Add(const google::protobuf::ServiceDescriptor& service) {
    Json tag = {{"name", service.name()}};
    if (std::string comment = CommentOf(service); !comment.empty()) tag["description"] = comment;
    tags_.push_back(std::move(tag));
    auto routes = HttpRoutes(service);
    if (!routes.ok()) return routes.status();
    for (const HttpRoute& route : *routes) {
      if (absl::Status s = AddRoute(route); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  std::string Document() {
    Json document;
    document["openapi"] = "3.0.3";
    document["info"] = {
        {"title", "Kokemus API (HTTP/JSON)"},
        {"version", "v1"},
        {"description",
         "The kokemus.v1 gRPC API as HTTP/JSON, transcoded by the server from the "
         "`google.api.http` rules of its protos. Bodies and answers use protobuf's canonical "
         "JSON mapping (lowerCamelCase names; int64 as strings; times as RFC 3339; enums by "
         "name; fields at their default value are left out). Send the API key as "
         "`Authorization: Bearer kok_...`; an optional `X-Request-Id` comes back in the answer, "
         "and `X-Server-Timeout` (seconds) sets the call's deadline (default 60 s). An error "
         "is a `google.rpc.Status` under the HTTP status of its code (google/rpc/code.proto): "
         "INVALID_ARGUMENT and FAILED_PRECONDITION 400 (with `google.rpc.BadRequest` field "
         "violations), UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404, "
         "ALREADY_EXISTS and ABORTED 409, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503. The "
         "exports stream as chunked CSV."}};
    document["security"] = Json::array({{{"bearerAuth", Json::array()}}});
    document["tags"] = tags_;
    document["paths"] = paths_;
    Json components;
    components["securitySchemes"] = {
        {"bearerAuth",
         {{"type", "http"},
          {"scheme", "bearer"},
          {"description", "An API key of the exchange (`kokemusctl key create`)."}}}};
    components["schemas"] = schemas_;
    document["components"] = std::move(components);
    return document.dump(2);
  }

 private:
  absl::Status AddRoute(const HttpRoute& route) {
    const auto& method = *route.method;
    std::vector<std::string> names;
    const std::string path = route.path.OpenApiPath(&names);
    const std::string verb = absl::AsciiStrToLower(route.http_method);
    if (paths_.contains(path) && paths_[path].contains(verb)) {
      return absl::InvalidArgumentError(
          absl::StrCat(method.full_name(), ": ", route.http_method, " ", path, " is taken"));
    }
    Json operation;
    operation["operationId"] =
        route.binding == 0 ? method.name() : absl::StrCat(method.name(), route.binding + 1);
    operation["tags"] = Json::array({method.service()->name()});
    const std::string comment = CommentOf(method);
    operation["summary"] = Summary(comment);
    operation["description"] = absl::StrCat(comment, "\n\ngRPC: `", method.full_name(), "`.");
    Json parameters = Json::array();
    for (const std::string& name : names) {
      parameters.push_back(
          {{"name", name},
           {"in", "path"},
           {"required", true},
           {"description",
            absl::StrCat("The `", name, "` of ", "the resource name (", route.path_text, ").")},
           {"schema", {{"type", "string"}}}});
    }
    if (route.body != "*") {
      std::set<const FieldDescriptor*> bound;
      for (const auto& chain : route.path_fields) {
        if (chain.size() == 1) bound.insert(chain.front());
      }
      if (route.body_field != nullptr) bound.insert(route.body_field);
      AddQuery(*method.input_type(), "", bound, 0, parameters);
    }
    if (!parameters.empty()) operation["parameters"] = std::move(parameters);
    if (!route.body.empty()) {
      const Descriptor& body =
          route.body_field == nullptr ? *method.input_type() : *route.body_field->message_type();
      operation["requestBody"] = {
          {"required", route.body_field != nullptr},
          {"content", {{"application/json", {{"schema", Ref(body)}}}}}};
    }
    Json ok;
    ok["description"] = method.server_streaming() ? "The answer, streamed (chunked)." : "OK";
    if (IsRawResponse(route)) {
      Json schema = {{"type", "string"}};
      if (route.response_field->type() == FieldDescriptor::TYPE_BYTES) schema["format"] = "binary";
      ok["content"] = {{RawMediaType(route), {{"schema", schema}}}};
    } else {
      const Descriptor& answer = route.response_field != nullptr
                                     ? *route.response_field->message_type()
                                     : *method.output_type();
      ok["content"] = {
          {method.server_streaming() ? "application/x-ndjson" : "application/json",
           {{"schema", Ref(answer)}}}};
    }
    const Descriptor* status = method.file()->pool()->FindMessageTypeByName("google.rpc.Status");
    if (const Descriptor* bad_request =
            method.file()->pool()->FindMessageTypeByName("google.rpc.BadRequest")) {
      Ref(*bad_request);  // what a 400's details hold, described beside Status
    }
    Json error = {{"description", "An error: google.rpc.Status under the code's HTTP status."}};
    if (status != nullptr) error["content"] = {{"application/json", {{"schema", Ref(*status)}}}};
    operation["responses"] = {{"200", std::move(ok)}, {"default", std::move(error)}};
    paths_[path][verb] = std::move(operation);
    return absl::OkStatus();
  }

  // The request's fields that are neither in the path nor in the body, as
  // query parameters ("pageSize", "startTime", "filter.state"...).
  void AddQuery(
      const Descriptor& message, const std::string& prefix,
      const std::set<const FieldDescriptor*>& bound, int depth, Json& parameters) {
    for (int i = 0; i < message.field_count(); ++i) {
      const FieldDescriptor& field = *message.field(i);
      if (bound.count(&field) > 0) continue;
      const std::string name = absl::StrCat(prefix, field.json_name());
      const bool nested = field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                          field.message_type()->file()->package() != "google.protobuf";
      if (nested) {
        if (!field.is_repeated() && !field.is_map() && depth < 2) {
          AddQuery(*field.message_type(), absl::StrCat(name, "."), {}, depth + 1, parameters);
        }
        continue;
      }
      Json parameter = {{"name", name}, {"in", "query"}};
      if (std::string comment = CommentOf(field); !comment.empty()) {
        parameter["description"] = comment;
      }
      if (field.is_repeated()) {
        if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) continue;
        parameter["schema"] = {{"type", "array"}, {"items", ValueSchema(field)}};
        parameter["style"] = "form";
        parameter["explode"] = true;
      } else {
        parameter["schema"] = ValueSchema(field);
      }
      parameters.push_back(std::move(parameter));
    }
  }

  // The schema of one value of the field (one element of a repeated field).
  Json ValueSchema(const FieldDescriptor& field) {
    switch (field.type()) {
      case FieldDescriptor::TYPE_DOUBLE:
        return {{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::TYPE_FLOAT:
        return {{"type", "number"}, {"format", "float"}};
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        return {{"type", "string"}, {"format", "int64"}};
      case FieldDescriptor::TYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::TYPE_STRING:
        return {{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES:
        return {{"type", "string"}, {"format", "byte"}};
      case FieldDescriptor::TYPE_ENUM:
        return EnumRef(*field.enum_type());
      default:
        return Ref(*field.message_type());
    }
  }

  Json FieldSchema(const FieldDescriptor& field) {
    Json schema;
    if (field.is_map()) {
      schema = {
          {"type", "object"},
          {"additionalProperties", ValueSchema(*field.message_type()->map_value())}};
    } else if (field.is_repeated()) {
      schema = {{"type", "array"}, {"items", ValueSchema(field)}};
    } else {
      schema = ValueSchema(field);
      // A $ref takes no siblings in OpenAPI 3.0: wrap it to keep the description.
      if (schema.contains("$ref")) schema = {{"allOf", Json::array({schema})}};
    }
    if (std::string comment = CommentOf(field); !comment.empty()) {
      schema["description"] = comment;
    }
    if (IsOutputOnly(field)) schema["readOnly"] = true;
    return schema;
  }

  // A schema's name: "kokemus.v1.Expert.Training" -> "ExpertTraining",
  // "google.rpc.Status" -> "Status".
  static std::string SchemaName(const std::string& full_name, const std::string& package) {
    std::string name = full_name.substr(package.empty() ? 0 : package.size() + 1);
    name.erase(std::remove(name.begin(), name.end(), '.'), name.end());
    return name;
  }

  std::string Claim(const std::string& full_name, const std::string& package) {
    std::string name = SchemaName(full_name, package);
    auto [it, first] = owners_.try_emplace(name, full_name);
    if (!first && it->second != full_name) name = absl::StrReplaceAll(full_name, {{".", "_"}});
    return name;
  }

  Json EnumRef(const EnumDescriptor& type) {
    const std::string name = Claim(type.full_name(), type.file()->package());
    if (!schemas_.contains(name)) {
      Json values = Json::array();
      for (int i = 0; i < type.value_count(); ++i) values.push_back(type.value(i)->name());
      Json schema = {{"type", "string"}, {"enum", values}};
      if (std::string comment = CommentOf(type); !comment.empty()) {
        schema["description"] = comment;
      }
      schemas_[name] = std::move(schema);
    }
    return {{"$ref", absl::StrCat("#/components/schemas/", name)}};
  }

  Json Ref(const Descriptor& type) {
    const std::string& full = type.full_name();
    if (full == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
    if (full == "google.protobuf.Duration") {
      return {{"type", "string"}, {"pattern", "^-?[0-9]+(\\.[0-9]+)?s$"}};
    }
    if (full == "google.protobuf.FieldMask") return {{"type", "string"}};
    if (full == "google.protobuf.Struct") return {{"type", "object"}};
    if (full == "google.protobuf.Empty") return {{"type", "object"}};
    if (full == "google.protobuf.Value") return Json::object();
    if (full == "google.protobuf.Any") {
      return {
          {"type", "object"},
          {"properties", {{"@type", {{"type", "string"}}}}},
          {"additionalProperties", true}};
    }
    if (type.file()->name() == "google/protobuf/wrappers.proto") {
      return ValueSchema(*type.FindFieldByName("value"));
    }
    const std::string name = Claim(full, type.file()->package());
    if (!schemas_.contains(name)) {
      schemas_[name] = Json::object();  // before the fields: a message may contain itself
      Json properties = Json::object();
      for (int i = 0; i < type.field_count(); ++i) {
        properties[type.field(i)->json_name()] = FieldSchema(*type.field(i));
      }
      Json schema = {{"type", "object"}};
      if (std::string comment = CommentOf(type); !comment.empty()) {
        schema["description"] = comment;
      }
      schema["properties"] = std::move(properties);
      schemas_[name] = std::move(schema);
    }
    return {{"$ref", absl::StrCat("#/components/schemas/", name)}};
  }

  Json tags_ = Json::array();
  Json paths_ = Json::object();
  Json schemas_ = Json::object();
  std::map<std::string, std::string> owners_;
};

}  // namespace

absl::StatusOr<std::string> BuildOpenApi(
    const std::vector<const google::protobuf::FileDescriptor*>& files) {
  Builder builder;
  for (const auto* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      if (absl::Status status = builder.Add(*file->service(s)); !status.ok()) return status;
    }
  }
  return builder.Document();
}

}  // namespace kokemus::transcode
