#include "services/transcode/http_rules.h"

#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "google/protobuf/descriptor.pb.h"

namespace kokemus::transcode {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

absl::Status RuleError(const MethodDescriptor& method, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("the HTTP rule of ", method.full_name(), ": ", why));
}

absl::StatusOr<HttpRoute> RouteOf(
    const MethodDescriptor& method, const google::api::HttpRule& rule, int binding) {
  HttpRoute route;
  route.method = &method;
  route.binding = binding;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET", route.path_text = rule.get();
      break;
    case google::api::HttpRule::kPut:
      route.http_method = "PUT", route.path_text = rule.put();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST", route.path_text = rule.post();
      break;
    case google::api::HttpRule::kDelete:
      route.http_method = "DELETE", route.path_text = rule.delete_();
      break;
    case google::api::HttpRule::kPatch:
      route.http_method = "PATCH", route.path_text = rule.patch();
      break;
    case google::api::HttpRule::kCustom:
      route.http_method = rule.custom().kind(), route.path_text = rule.custom().path();
      break;
    default:
      return RuleError(method, "no HTTP method and path");
  }
  auto path = PathTemplate::Parse(route.path_text);
  if (!path.ok()) return RuleError(method, path.status().message());
  route.path = *std::move(path);
  const Descriptor& request = *method.input_type();
  for (const PathTemplate::Variable& variable : route.path.variables()) {
    std::vector<const FieldDescriptor*> chain;
    const Descriptor* message = &request;
    for (size_t i = 0; i < variable.field_path.size(); ++i) {
      const FieldDescriptor* field =
          message == nullptr ? nullptr : message->FindFieldByName(variable.field_path[i]);
      if (field == nullptr || field->is_repeated()) {
        return RuleError(
            method,
            absl::StrCat("the path names no singular field \"", variable.field_path[i], "\""));
      }
      const bool last = i + 1 == variable.field_path.size();
      if (last != (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)) {
        return RuleError(
            method,
            absl::StrCat("the path's field \"", field->name(), "\" must end in a scalar field"));
      }
      chain.push_back(field);
      message = field->message_type();
    }
    route.path_fields.push_back(std::move(chain));
  }
  route.body = rule.body();
  if (!route.body.empty() && route.body != "*") {
    route.body_field = request.FindFieldByName(route.body);
    if (route.body_field == nullptr || route.body_field->is_repeated() ||
        route.body_field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return RuleError(
          method, absl::StrCat("no singular message field \"", route.body, "\" for the body"));
    }
  }
  route.response_body = rule.response_body();
  if (!route.response_body.empty()) {
    route.response_field = method.output_type()->FindFieldByName(route.response_body);
    if (route.response_field == nullptr) {
      return RuleError(method, absl::StrCat("no response field \"", route.response_body, "\""));
    }
  }
  return route;
}

}  // namespace

bool IsRawResponse(const HttpRoute& route) {
  return route.response_field != nullptr &&
         route.response_field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
         !route.response_field->is_repeated();
}

std::string RawMediaType(const HttpRoute& route) {
  const FieldDescriptor& field = *route.response_field;
  if (field.type() == FieldDescriptor::TYPE_BYTES) return "application/pdf";
  if (field.name() == "csv") return "text/csv; charset=utf-8";
  if (field.name() == "json") return "application/json";
  return "text/plain; charset=utf-8";
}

const FieldDescriptor* FindField(const Descriptor& message, absl::string_view name) {
  const std::string key(name);
  if (const FieldDescriptor* field = message.FindFieldByName(key); field != nullptr) return field;
  return message.FindFieldByCamelcaseName(key);
}

absl::StatusOr<std::vector<HttpRoute>> HttpRoutes(
    const google::protobuf::ServiceDescriptor& service) {
  std::vector<HttpRoute> routes;
  for (int m = 0; m < service.method_count(); ++m) {
    const MethodDescriptor& method = *service.method(m);
    // A pool built from .proto files (the OpenAPI generator's) keeps the
    // option as unknown fields; parsing the options again with the compiled
    // extension registered reads it either way.
    google::protobuf::MethodOptions options;
    if (!options.ParseFromString(method.options().SerializeAsString())) {
      return RuleError(method, "unreadable method options");
    }
    if (!options.HasExtension(google::api::http)) continue;
    const google::api::HttpRule& rule = options.GetExtension(google::api::http);
    auto route = RouteOf(method, rule, 0);
    if (!route.ok()) return route.status();
    routes.push_back(*std::move(route));
    for (int b = 0; b < rule.additional_bindings_size(); ++b) {
      auto extra = RouteOf(method, rule.additional_bindings(b), b + 1);
      if (!extra.ok()) return extra.status();
      routes.push_back(*std::move(extra));
    }
  }
  return routes;
}

}  // namespace kokemus::transcode
