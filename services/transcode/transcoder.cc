#include "services/transcode/transcoder.h"

#include <chrono>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/completion_queue.h"
#include "grpcpp/support/byte_buffer.h"

namespace kokemus::transcode {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// A unary call that names no deadline (X-Server-Timeout) gets this one.
constexpr std::chrono::seconds kDefaultUnaryDeadline(60);
constexpr double kMaxTimeoutSeconds = 3600;

// An error found before the call: its code and message, and the bad field
// with what is wrong with it.
struct RequestError {
  grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
  std::string message;
  std::string field;
  std::string description;
};

std::string ToJson(const Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  if (!google::protobuf::util::MessageToJsonString(message, &json, options).ok()) {
    return "{}";
  }
  return json;
}

HttpAnswer StatusAnswer(const grpc::Status& status) {
  google::rpc::Status body;
  if (!status.error_details().empty() && !body.ParseFromString(status.error_details())) {
    body.Clear();
  }
  body.set_code(status.error_code());
  body.set_message(status.error_message());
  return {HttpStatusOf(status.error_code()), "application/json", ToJson(body), {}};
}

HttpAnswer ErrorAnswer(const RequestError& error) {
  google::rpc::Status status;
  status.set_code(error.code);
  status.set_message(error.message);
  if (!error.field.empty()) {
    google::rpc::BadRequest bad_request;
    auto* violation = bad_request.add_field_violations();
    violation->set_field(error.field);
    violation->set_description(error.description);
    status.add_details()->PackFrom(bad_request);
  }
  return {
      HttpStatusOf(static_cast<grpc::StatusCode>(error.code)),
      "application/json",
      ToJson(status),
      {}};
}

RequestError Invalid(absl::string_view field, absl::string_view why) {
  return {
      grpc::StatusCode::INVALID_ARGUMENT, absl::StrCat(field, ": ", why), std::string(field),
      std::string(why)};
}

bool IsPrintableAscii(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// "displayName" -> "display_name"; a snake_case path stays as it is.
std::string SnakeCase(absl::string_view path) {
  std::string out;
  for (char c : path) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
      out.push_back('_');
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool IsWrapper(const Descriptor& type) {
  return type.file()->name() == "google/protobuf/wrappers.proto";
}

// Sets (or, for a repeated field, adds) one value given as text: a path
// variable or a query parameter named `name`.
std::optional<RequestError> SetValue(
    Message& message, const FieldDescriptor& field, absl::string_view text,
    absl::string_view name) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) return Invalid(name, "must be an integer");
      repeated ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return Invalid(name, "must be an integer");
      repeated ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(text, &v)) return Invalid(name, "must be a non-negative integer");
      repeated ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(text, &v)) return Invalid(name, "must be a non-negative integer");
      repeated ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(text, &v)) return Invalid(name, "must be a number");
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        repeated ? r.AddFloat(&message, &field, static_cast<float>(v))
                 : r.SetFloat(&message, &field, static_cast<float>(v));
      } else {
        repeated ? r.AddDouble(&message, &field, v) : r.SetDouble(&message, &field, v);
      }
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (text == "true" || text == "1") {
        v = true;
      } else if (text == "false" || text == "0") {
        v = false;
      } else {
        return Invalid(name, "must be true or false");
      }
      repeated ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = field.enum_type()->FindValueByName(std::string(text));
      if (value == nullptr) {
        std::vector<std::string> names;
        for (int i = 1; i < field.enum_type()->value_count(); ++i) {
          names.push_back(field.enum_type()->value(i)->name());
        }
        return Invalid(name, absl::StrCat("must be one of ", absl::StrJoin(names, ", ")));
      }
      repeated ? r.AddEnumValue(&message, &field, value->number())
               : r.SetEnumValue(&message, &field, value->number());
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v(text);
      if (field.type() == FieldDescriptor::TYPE_BYTES && !absl::WebSafeBase64Unescape(text, &v) &&
          !absl::Base64Unescape(text, &v)) {
        return Invalid(name, "must be base64");
      }
      repeated ? r.AddString(&message, &field, std::move(v))
               : r.SetString(&message, &field, std::move(v));
      return std::nullopt;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  // Well-known types have a text form: a time, a duration, a field mask, a wrapped scalar.
  const Descriptor& type = *field.message_type();
  if (repeated) return Invalid(name, "cannot be given as a query parameter; send it in a body");
  Message& target = *r.MutableMessage(&message, &field);
  if (type.full_name() == "google.protobuf.FieldMask") {
    auto& mask = static_cast<google::protobuf::FieldMask&>(target);
    for (absl::string_view path : absl::StrSplit(text, ',', absl::SkipEmpty())) {
      mask.add_paths(SnakeCase(path));
    }
    return std::nullopt;
  }
  if (type.full_name() == "google.protobuf.Timestamp" ||
      type.full_name() == "google.protobuf.Duration") {
    if (!IsPrintableAscii(text) || text.find_first_of("\"\\") != absl::string_view::npos) {
      return Invalid(name, "is not a valid value");
    }
    // An unescaped "+" of an offset arrives as a space (form encoding).
    const std::string json = absl::StrCat("\"", absl::StrReplaceAll(text, {{" ", "+"}}), "\"");
    if (!google::protobuf::util::JsonStringToMessage(json, &target).ok()) {
      return Invalid(
          name, type.name() == "Timestamp" ? "must be an RFC 3339 time, as 2026-12-02T09:00:00Z"
                                           : "must be a duration in seconds, as 3600s");
    }
    return std::nullopt;
  }
  if (IsWrapper(type)) {
    return SetValue(target, *type.FindFieldByName("value"), text, name);
  }
  return Invalid(name, "cannot be given as a query parameter; send it in a body");
}

// The request message of `route` for `call`: the body first, then the path's
// variables (the path's names win over the body's), then the query.
std::optional<RequestError> BuildRequest(
    const HttpRoute& route, const std::vector<std::string>& values, const HttpCall& call,
    Message& request) {
  const Reflection& r = *request.GetReflection();
  if (route.body.empty()) {
    if (!absl::StripAsciiWhitespace(call.body).empty()) {
      return Invalid(
          "body", absl::StrCat(
                      route.http_method,
                      " takes no body here: send the fields as query "
                      "parameters"));
    }
  } else if (!absl::StripAsciiWhitespace(call.body).empty()) {
    Message* target =
        route.body_field == nullptr ? &request : r.MutableMessage(&request, route.body_field);
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    if (auto s = google::protobuf::util::JsonStringToMessage(call.body, target, options); !s.ok()) {
      // protobuf names the field it stopped at first: "(kind): invalid value ...".
      absl::string_view why(s.message().data(), s.message().size());
      std::string field = route.body_field == nullptr ? "" : route.body_field->name();
      if (absl::ConsumePrefix(&why, "(")) {
        const size_t close = why.find("): ");
        if (close != absl::string_view::npos) {
          field = field.empty() ? std::string(why.substr(0, close))
                                : absl::StrCat(field, ".", why.substr(0, close));
          why.remove_prefix(close + 3);
        }
      }
      return Invalid(field.empty() ? "body" : field, absl::StrCat("not valid JSON: ", why));
    }
  }
  for (size_t i = 0; i < values.size(); ++i) {
    const auto& chain = route.path_fields[i];
    Message* target = &request;
    for (size_t f = 0; f + 1 < chain.size(); ++f) {
      target = target->GetReflection()->MutableMessage(target, chain[f]);
    }
    if (auto error = SetValue(*target, *chain.back(), values[i], chain.back()->name())) {
      return error;
    }
  }
  for (const auto& [key, text] : call.query) {
    Message* target = &request;
    const FieldDescriptor* field = nullptr;
    std::vector<absl::string_view> parts = absl::StrSplit(key, '.');
    for (size_t i = 0; i < parts.size(); ++i) {
      if (field != nullptr) {
        if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated() ||
            field->message_type()->file()->package() == "google.protobuf") {
          return Invalid(key, "no such query parameter");
        }
        target = target->GetReflection()->MutableMessage(target, field);
      }
      field = FindField(*target->GetDescriptor(), parts[i]);
      if (field == nullptr) return Invalid(key, "no such query parameter");
      if (i == 0) {
        if (route.body == "*" || field == route.body_field) {
          return Invalid(key, "belongs in the JSON body, not the query");
        }
        for (const auto& chain : route.path_fields) {
          if (chain.front() == field && chain.size() == 1) {
            return Invalid(key, "is given by the path, not the query");
          }
        }
      }
    }
    if (auto error = SetValue(*target, *field, text, key)) return error;
  }
  return std::nullopt;
}

grpc::ByteBuffer Serialize(const Message& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool Parse(const grpc::ByteBuffer& buffer, Message& message) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return false;
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return message.ParseFromString(bytes);
}

std::unique_ptr<Message> NewMessage(const Descriptor& type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type)->New());
}

// The media type of a raw answer: the response's own `mime_type`, if set.
std::string ContentTypeOf(const HttpRoute& route, const Message& response) {
  if (const FieldDescriptor* mime = response.GetDescriptor()->FindFieldByName("mime_type");
      mime != nullptr && mime->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
      !mime->is_repeated()) {
    std::string value = response.GetReflection()->GetString(response, mime);
    if (!value.empty()) return value;
  }
  return RawMediaType(route);
}

// The answer's body for one response message.
std::string BodyOf(const HttpRoute& route, const Message& response) {
  if (route.response_field == nullptr) return ToJson(response);
  const Reflection& r = *response.GetReflection();
  if (IsRawResponse(route)) return r.GetString(response, route.response_field);
  if (route.response_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
      !route.response_field->is_repeated()) {
    return ToJson(r.GetMessage(response, route.response_field));
  }
  return ToJson(response);
}

std::string RequestIdOf(const grpc::ClientContext& context) {
  for (const auto* metadata :
       {&context.GetServerTrailingMetadata(), &context.GetServerInitialMetadata()}) {
    if (auto it = metadata->find("x-request-id"); it != metadata->end()) {
      return std::string(it->second.data(), it->second.size());
    }
  }
  return "";
}

// Adds the caller's key, request id, address and deadline to the call.
std::optional<RequestError> Prepare(
    const HttpCall& call, bool streaming, grpc::ClientContext& context) {
  if (!call.authorization.empty()) {
    if (!IsPrintableAscii(call.authorization)) {
      return RequestError{grpc::StatusCode::UNAUTHENTICATED, "invalid API key", "", ""};
    }
    context.AddMetadata("authorization", call.authorization);
  }
  if (!call.request_id.empty() && IsPrintableAscii(call.request_id)) {
    context.AddMetadata("x-request-id", call.request_id);
  }
  if (!call.client_address.empty()) {
    context.AddMetadata(kHttpClientAddressKey, call.client_address);
  }
  if (!call.timeout.empty()) {
    double seconds = 0;
    if (!absl::SimpleAtod(call.timeout, &seconds) || !(seconds > 0) ||
        seconds > kMaxTimeoutSeconds) {
      return Invalid("X-Server-Timeout", "must be a number of seconds above 0, at most 3600");
    }
    context.set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6)));
  } else if (!streaming) {
    context.set_deadline(std::chrono::system_clock::now() + kDefaultUnaryDeadline);
  }
  return std::nullopt;
}

// One server-streaming call, read as the HTTP answer is written.
class GrpcStream final : public Transcoder::Stream {
 public:
  explicit GrpcStream(const HttpRoute& route) : route_(route) {}

  ~GrpcStream() override {
    if (call_ != nullptr && !finished_) {
      context_.TryCancel();
      Finish();
    }
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  grpc::ClientContext& context() { return context_; }

  // Starts the call and reads its first message; false when it ended before one.
  bool Start(grpc::GenericStub& stub, const std::string& method, const Message& request) {
    call_ = stub.PrepareCall(&context_, method, &cq_);
    call_->StartCall(this);
    if (Wait()) {
      call_->Write(Serialize(request), this);
      if (Wait()) {
        call_->WritesDone(this);
        Wait();
      }
    }
    has_first_ = ReadOne(first_);
    return has_first_;
  }

  bool Next(std::string* chunk) override {
    grpc::ByteBuffer buffer;
    if (has_first_) {
      has_first_ = false;
      buffer = std::move(first_);
    } else if (!ReadOne(buffer)) {
      return false;
    }
    std::unique_ptr<Message> response = NewMessage(*route_.method->output_type());
    if (!Parse(buffer, *response)) {
      status_ = grpc::Status(grpc::StatusCode::INTERNAL, "unreadable response");
      return false;
    }
    *chunk = BodyOf(route_, *response);
    if (!IsRawResponse(route_)) chunk->push_back('\n');
    return true;
  }

  grpc::Status status() const override { return status_; }

 private:
  bool Wait() {
    void* tag;
    bool ok = false;
    return cq_.Next(&tag, &ok) && ok;
  }

  bool ReadOne(grpc::ByteBuffer& buffer) {
    if (finished_) return false;
    call_->Read(&buffer, this);
    if (Wait()) return true;
    Finish();
    return false;
  }

  void Finish() {
    call_->Finish(&status_, this);
    Wait();
    finished_ = true;
  }

  const HttpRoute& route_;
  grpc::ClientContext context_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call_;
  grpc::ByteBuffer first_;
  bool has_first_ = false;
  bool finished_ = false;
  grpc::Status status_;
};

}  // namespace

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::DATA_LOSS:
    default:
      return 500;
  }
}

Transcoder::Transcoder(std::shared_ptr<grpc::Channel> channel, std::vector<HttpRoute> routes)
    : stub_(std::make_unique<grpc::GenericStub>(std::move(channel))), routes_(std::move(routes)) {}

absl::StatusOr<std::unique_ptr<Transcoder>> Transcoder::ForServices(
    std::shared_ptr<grpc::Channel> channel, const std::vector<std::string>& services) {
  std::vector<HttpRoute> routes;
  for (const std::string& name : services) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) return absl::NotFoundError(absl::StrCat("no service ", name));
    auto found = HttpRoutes(*service);
    if (!found.ok()) return found.status();
    for (HttpRoute& route : *found) routes.push_back(std::move(route));
  }
  return std::unique_ptr<Transcoder>(new Transcoder(std::move(channel), std::move(routes)));
}

bool Transcoder::IsApiPath(absl::string_view path) { return absl::StartsWith(path, "/v1/"); }

Transcoder::Answer Transcoder::Handle(const HttpCall& call) const {
  const HttpRoute* route = nullptr;
  std::vector<std::string> values;
  std::vector<std::string> allowed;
  for (const HttpRoute& candidate : routes_) {
    auto matched = candidate.path.Match(call.path);
    if (!matched.has_value()) continue;
    if (candidate.http_method != call.method) {
      allowed.push_back(candidate.http_method);
      continue;
    }
    route = &candidate;
    values = *std::move(matched);
    break;
  }
  if (route == nullptr && !allowed.empty()) {
    Answer answer{
        ErrorAnswer(
            {grpc::StatusCode::UNIMPLEMENTED,
             absl::StrCat(
                 call.method, " is not allowed at this path; use ", absl::StrJoin(allowed, " or ")),
             "", ""}),
        nullptr};
    answer.response.status = 405;
    answer.response.headers.emplace_back("Allow", absl::StrJoin(allowed, ", "));
    return answer;
  }
  if (route == nullptr) {
    return {
        ErrorAnswer(
            {grpc::StatusCode::NOT_FOUND, "no API method at this path (see /v1/openapi.json)", "",
             ""}),
        nullptr};
  }
  const Descriptor& input = *route->method->input_type();
  std::unique_ptr<Message> request = NewMessage(input);
  if (auto error = BuildRequest(*route, values, call, *request)) {
    return {ErrorAnswer(*error), nullptr};
  }
  const std::string method =
      absl::StrCat("/", route->method->service()->full_name(), "/", route->method->name());

  if (route->method->server_streaming()) {
    auto stream = std::make_unique<GrpcStream>(*route);
    if (auto error = Prepare(call, true, stream->context())) return {ErrorAnswer(*error), nullptr};
    const bool started = stream->Start(*stub_, method, *request);
    const std::string request_id = RequestIdOf(stream->context());
    Answer answer;
    if (!started && !stream->status().ok()) {
      answer.response = StatusAnswer(stream->status());
    } else {
      answer.response.content_type =
          IsRawResponse(*route) ? RawMediaType(*route) : "application/x-ndjson";
      answer.stream = std::move(stream);
    }
    if (!request_id.empty()) answer.response.headers.emplace_back("X-Request-Id", request_id);
    return answer;
  }

  grpc::ClientContext context;
  if (auto error = Prepare(call, false, context)) return {ErrorAnswer(*error), nullptr};
  grpc::CompletionQueue cq;
  auto rpc = stub_->PrepareUnaryCall(&context, method, Serialize(*request), &cq);
  rpc->StartCall();
  grpc::ByteBuffer reply;
  grpc::Status status;
  rpc->Finish(&reply, &status, &cq);
  void* tag;
  bool ok = false;
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  Answer answer;
  if (!status.ok()) {
    answer.response = StatusAnswer(status);
  } else if (std::unique_ptr<Message> response = NewMessage(*route->method->output_type());
             !Parse(reply, *response)) {
    answer.response = StatusAnswer(grpc::Status(grpc::StatusCode::INTERNAL, "unreadable response"));
  } else {
    answer.response.body = BodyOf(*route, *response);
    if (IsRawResponse(*route)) answer.response.content_type = ContentTypeOf(*route, *response);
  }
  if (std::string id = RequestIdOf(context); !id.empty()) {
    answer.response.headers.emplace_back("X-Request-Id", std::move(id));
  }
  return answer;
}

}  // namespace kokemus::transcode
