#include "clients/kokemusctl/session.h"

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "clients/kokemusctl/help.h"
#include "clients/kokemusctl/proto_flags.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace kokemus::cli {
namespace {

namespace pb = google::protobuf;

// TLS (the system's roots or --tls-ca; a client certificate for mutual TLS),
// or plaintext when asked for.
std::shared_ptr<grpc::ChannelCredentials> Credentials(const Command& c) {
  if (c.plaintext) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  if (!c.tls_ca.empty()) ssl.pem_root_certs = ReadFlagFile(c.tls_ca, "tls-ca");
  if (!c.tls_cert.empty()) {
    ssl.pem_cert_chain = ReadFlagFile(c.tls_cert, "tls-cert");
    ssl.pem_private_key = ReadFlagFile(c.tls_key, "tls-key");
  }
  return grpc::SslCredentials(ssl);
}

bool IsFullName(absl::string_view id) { return absl::StartsWith(id, "exchanges/"); }

}  // namespace

Session::Session(const Command& command, std::ostream& out, std::ostream& err)
    : c_(command),
      flags_(command.fields),
      out_(out),
      err_(err),
      channel_(grpc::CreateChannel(command.server, Credentials(command))),
      stubs_(
          v1::RegistryService::NewStub(channel_), v1::OrderService::NewStub(channel_),
          v1::ContractService::NewStub(channel_), v1::MatchingService::NewStub(channel_),
          v1::ReportService::NewStub(channel_), v1::AccessService::NewStub(channel_),
          v1::NotificationService::NewStub(channel_), v1::TrainingService::NewStub(channel_),
          v1::SurveyService::NewStub(channel_), grpc::health::v1::Health::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Session::Context() const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + c_.timeout));
  if (!c_.api_key.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", c_.api_key));
  return ctx;
}

int Session::ShowResource(const pb::Message& response) {
  return Print(response, [&] {
    if (response.GetDescriptor()->field_count() == 0) return;  // an empty response
    PrintResource(
        response.GetReflection()->GetMessage(response, response.GetDescriptor()->field(0)), out_);
  });
}

void Session::Table(
    const pb::Message& msg, absl::string_view repeated_field,
    const std::vector<std::string>& columns) {
  const pb::FieldDescriptor* f = msg.GetDescriptor()->FindFieldByName(std::string(repeated_field));
  std::vector<const pb::Message*> rows;
  for (int i = 0; i < msg.GetReflection()->FieldSize(msg, f); ++i) {
    rows.push_back(&msg.GetReflection()->GetRepeatedMessage(msg, f, i));
  }
  PrintTable(rows, columns, out_);
}

std::string Session::DisplayName(const std::string& name) {
  if (auto it = display_names_.find(name); it != display_names_.end()) return it->second;
  std::string shown = ShortName(name);
  grpc::Status status;
  if (absl::StrContains(name, "/experts/")) {
    v1::GetExpertRequest req;
    req.set_name(name);
    v1::GetExpertResponse resp;
    status = stub<v1::RegistryService::Stub>().GetExpert(Context().get(), req, &resp);
    if (status.ok() && !resp.expert().display_name().empty()) shown = resp.expert().display_name();
  } else if (absl::StrContains(name, "/organizations/")) {
    v1::GetOrganizationRequest req;
    req.set_name(name);
    v1::GetOrganizationResponse resp;
    status = stub<v1::RegistryService::Stub>().GetOrganization(Context().get(), req, &resp);
    if (status.ok()) shown = resp.organization().display_name();
  }
  display_names_[name] = shown;
  return shown;
}

const v1::Order* Session::OrderNamed(const std::string& name) {
  auto it = orders_.find(name);
  if (it == orders_.end()) {
    v1::GetOrderRequest req;
    req.set_name(name);
    v1::GetOrderResponse resp;
    grpc::Status status = stub<v1::OrderService::Stub>().GetOrder(Context().get(), req, &resp);
    it = orders_.emplace(name, status.ok() ? std::optional(resp.order()) : std::nullopt).first;
  }
  return it->second ? &*it->second : nullptr;
}

void Session::SetParent(const std::string& parent, pb::Message& req) const {
  SetString(req, "parent", parent);
}

void Session::SetPageRequest(const std::string& token, bool with_filter, pb::Message& req) const {
  const pb::Reflection* r = req.GetReflection();
  if (c_.page_size != 0) {
    r->SetInt32(&req, req.GetDescriptor()->FindFieldByName("page_size"), c_.page_size);
  }
  SetString(req, "page_token", token);
  if (!with_filter) return;
  if (const pb::FieldDescriptor* filter = req.GetDescriptor()->FindFieldByName("filter")) {
    // --filter joins the terms the command's own flags made (--state, --about).
    const std::string own = r->GetString(req, filter);
    if (!c_.filter.empty()) {
      SetString(req, "filter", own.empty() ? c_.filter : absl::StrCat(own, " AND ", c_.filter));
    }
  } else if (!c_.filter.empty()) {
    throw UsageError{absl::StrCat(c_.noun, " list takes no --filter")};
  }
}

int Session::WriteDocument(const std::string& content) {
  if (c_.output_file.empty()) {
    out_ << content;
    return 0;
  }
  std::ofstream file(c_.output_file, std::ios::binary);
  file << content;
  if (!file) {
    err_ << "kokemusctl: cannot write " << c_.output_file << "\n";
    return 1;
  }
  return 0;
}

std::string Session::RequireId() const {
  if (c_.id.empty()) throw UsageError{absl::StrCat(c_.noun, " ", c_.verb, " needs an ID")};
  return c_.id;
}

std::string Session::Parent() const {
  if (c_.exchange.empty()) throw UsageError{"--exchange (or KOKEMUS_EXCHANGE) is required"};
  return IsFullName(c_.exchange) ? c_.exchange : absl::StrCat("exchanges/", c_.exchange);
}

std::string Session::ScopeParent() const {
  return c_.exchange.empty() || c_.exchange == "-" ? "exchanges/-" : Parent();
}

std::string Session::ExchangeName(const std::string& id) const {
  return IsFullName(id) ? id : absl::StrCat("exchanges/", id);
}

std::string Session::NameIn(absl::string_view collection) const {
  const std::string id = RequireId();
  return IsFullName(id) ? id : absl::StrCat(Parent(), "/", collection, "/", id);
}

std::string Session::AssignmentName() const {
  const std::string id = RequireId();
  if (IsFullName(id)) return id;
  std::vector<std::string> parts = absl::StrSplit(id, '/');
  if (parts.size() != 2) throw UsageError{"an assignment is ORDER/ASSIGNMENT or its full name"};
  return absl::StrCat(Parent(), "/orders/", parts[0], "/assignments/", parts[1]);
}

void Session::ExpandReferences(pb::Message& resource) const {
  for (const char* field : {"organization", "expert"}) {
    const pb::FieldDescriptor* f = resource.GetDescriptor()->FindFieldByName(field);
    if (f == nullptr || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING) continue;
    const std::string value = resource.GetReflection()->GetString(resource, f);
    if (value.empty() || absl::StrContains(value, '/')) continue;
    resource.GetReflection()->SetString(
        &resource, f, absl::StrCat(Parent(), "/", field, "s/", value));
  }
}

std::optional<std::string> Session::TakeFlag(absl::string_view name) {
  for (auto it = flags_.begin(); it != flags_.end(); ++it) {
    if (it->first == name) {
      std::string value = it->second;
      flags_.erase(it);
      return value;
    }
  }
  return std::nullopt;
}

Flags Session::TakeFlags() { return std::exchange(flags_, {}); }

void Session::RequireNoMoreFlags() const {
  if (!flags_.empty()) {
    const CommandHelp* command = FindCommand(c_.noun, c_.verb);
    throw UsageError{absl::StrCat(
        "unknown option --", flags_[0].first, " for ", c_.noun, " ", c_.verb,
        command == nullptr ? ""
                           : DidYouMean(absl::StrCat("--", flags_[0].first), FlagsOf(*command)))};
  }
}

}  // namespace kokemus::cli
