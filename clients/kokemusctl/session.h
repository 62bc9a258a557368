// One run of kokemusctl as the nouns' handlers see it: the connection and its
// stubs, the flags still to read, resource names from the positional ID and
// --exchange, and the call-and-print steps every verb shares.
#ifndef KOKEMUS_CLIENTS_KOKEMUSCTL_SESSION_H_
#define KOKEMUS_CLIENTS_KOKEMUSCTL_SESSION_H_

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/string_view.h"
#include "clients/kokemusctl/command_line.h"
#include "clients/kokemusctl/output.h"
#include "google/protobuf/message.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "kokemus/v1/access_service.grpc.pb.h"
#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/matching_service.grpc.pb.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "kokemus/v1/report_service.grpc.pb.h"
#include "kokemus/v1/survey_service.grpc.pb.h"
#include "kokemus/v1/training_service.grpc.pb.h"

namespace kokemus::cli {

// A call the server refused: Run() writes the one error line and exits with
// its code (exit_codes.h).
struct RpcFailed {
  grpc::Status status;
};

// A unary RPC of a generated stub.
template <typename Stub, typename Req, typename Resp>
using UnaryRpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Req&, Resp*);

class Session final {
 public:
  Session(const Command& command, std::ostream& out, std::ostream& err);

  const Command& command() const { return c_; }
  const std::string& noun() const { return c_.noun; }
  const std::string& verb() const { return c_.verb; }
  bool json() const { return c_.output == "json"; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // --- Calls -----------------------------------------------------------------

  // A context with the --timeout deadline and the API key.
  std::unique_ptr<grpc::ClientContext> Context() const;

  template <typename Stub>
  Stub& stub() {
    return *std::get<std::unique_ptr<Stub>>(stubs_);
  }

  // The response of `rpc`; throws RpcFailed when the server refuses.
  template <typename Stub, typename Req, typename Resp>
  Resp Call(UnaryRpc<Stub, Req, Resp> rpc, const Req& request) {
    Resp response;
    grpc::Status status = (stub<Stub>().*rpc)(Context().get(), request, &response);
    if (!status.ok()) throw RpcFailed{std::move(status)};
    return response;
  }

  // Calls `rpc` and prints the response's resource (its field 1) as
  // "name: value" lines, or the whole response as JSON.
  template <typename Stub, typename Req, typename Resp>
  int Show(UnaryRpc<Stub, Req, Resp> rpc, const Req& request) {
    return ShowResource(Call(rpc, request));
  }
  int ShowResource(const google::protobuf::Message& response);

  // The response as JSON with --output json; otherwise what `as_text` prints.
  template <typename AsText>
  int Print(const google::protobuf::Message& response, AsText as_text) {
    if (json()) {
      PrintJson(response, out_);
    } else {
      as_text();
    }
    return 0;
  }

  // The messages of a repeated field as a table (`columns` are field names).
  void Table(
      const google::protobuf::Message& msg, absl::string_view repeated_field,
      const std::vector<std::string>& columns);

  // Lists one page, or every page with --all, as a table or as JSON;
  // `request` has what stays the same from page to page (parent, filters).
  template <typename Stub, typename Req, typename Resp>
  int List(
      UnaryRpc<Stub, Req, Resp> rpc, const Req& request, absl::string_view repeated_field,
      const std::vector<std::string>& columns) {
    return List(rpc, request, [&](const Resp& all) { Table(all, repeated_field, columns); });
  }

  // The same, with the table drawn by `as_table` from every item listed.
  template <typename Stub, typename Req, typename Resp, typename AsTable>
  int List(UnaryRpc<Stub, Req, Resp> rpc, const Req& request, AsTable as_table) {
    const Resp all = Pages(rpc, request, c_.all_pages, true);
    return Print(all, [&] {
      as_table(all);
      if (!all.next_page_token().empty()) {
        err_ << "(more results: add --all to list every page)\n";
      }
    });
  }

  // Every page of a list, merged (for views built from several lists).
  template <typename Stub, typename Req, typename Resp>
  Resp ListAll(UnaryRpc<Stub, Req, Resp> rpc, const Req& request) {
    return Pages(rpc, request, true, false);
  }

  // The same for a list whose request has only a parent ("": none).
  template <typename Stub, typename Req, typename Resp>
  int List(
      UnaryRpc<Stub, Req, Resp> rpc, const std::string& parent, absl::string_view repeated_field,
      const std::vector<std::string>& columns) {
    Req request;
    if (!parent.empty()) SetParent(parent, request);
    return List(rpc, request, repeated_field, columns);
  }

  // A resource's display name for a table ("Kaisa K.", "Lahden lyseo"),
  // read once per name; its short id when the caller may not read it.
  std::string DisplayName(const std::string& resource_name);
  // An order, read once per name (nullopt when it can't be read).
  const v1::Order* OrderNamed(const std::string& order_name);

  // Writes a document to -o FILE, or to stdout without -o.
  int WriteDocument(const std::string& content);

  // --- Names -----------------------------------------------------------------

  // The positional ID; a usage error without one.
  std::string RequireId() const;
  // exchanges/{--exchange}; a usage error without --exchange.
  std::string Parent() const;
  // Parent(), or "exchanges/-" (national) for --exchange - or none.
  std::string ScopeParent() const;
  // The ID as exchanges/{ID}, or the full name given.
  std::string ExchangeName(const std::string& id) const;
  // The ID as {Parent()}/{collection}/{ID}, or the full name given.
  std::string NameIn(absl::string_view collection) const;
  // ORDER/ASSIGNMENT in --exchange, or the full name given.
  std::string AssignmentName() const;
  // `--organization lyseo` and `--expert kaisa` stand for resource names in
  // the --exchange.
  void ExpandReferences(google::protobuf::Message& resource) const;

  // --- Flags -----------------------------------------------------------------

  // Takes a flag's value off the command line (nullopt if not given).
  std::optional<std::string> TakeFlag(absl::string_view name);
  // Takes every flag not yet read (to set fields from, by name).
  Flags TakeFlags();
  // A usage error naming the first flag no one read.
  void RequireNoMoreFlags() const;

 private:
  // The first page (its next_page_token kept), or every page merged;
  // `with_filter`: the command's --filter joins the request's own (a list
  // command), or not (a view whose requests are its own).
  template <typename Stub, typename Req, typename Resp>
  Resp Pages(UnaryRpc<Stub, Req, Resp> rpc, const Req& request, bool every, bool with_filter) {
    Resp all;
    std::string token;
    do {
      Req req = request;
      SetPageRequest(token, with_filter, req);
      Resp page = Call(rpc, req);
      token = page.next_page_token();
      page.clear_next_page_token();
      all.MergeFrom(page);
      if (!every) all.set_next_page_token(token);
    } while (every && !token.empty());
    return all;
  }

  void SetParent(const std::string& parent, google::protobuf::Message& req) const;
  // --page-size, the token and --filter (a usage error for a list without one).
  void SetPageRequest(
      const std::string& token, bool with_filter, google::protobuf::Message& req) const;

  const Command& c_;
  Flags flags_;  // flags still to read
  std::map<std::string, std::string> display_names_;
  std::map<std::string, std::optional<v1::Order>> orders_;
  std::ostream& out_;
  std::ostream& err_;
  std::shared_ptr<grpc::Channel> channel_;
  std::tuple<
      std::unique_ptr<v1::RegistryService::Stub>, std::unique_ptr<v1::OrderService::Stub>,
      std::unique_ptr<v1::ContractService::Stub>, std::unique_ptr<v1::MatchingService::Stub>,
      std::unique_ptr<v1::ReportService::Stub>, std::unique_ptr<v1::AccessService::Stub>,
      std::unique_ptr<v1::NotificationService::Stub>, std::unique_ptr<v1::TrainingService::Stub>,
      std::unique_ptr<v1::SurveyService::Stub>, std::unique_ptr<grpc::health::v1::Health::Stub>>
      stubs_;
};

}  // namespace kokemus::cli

#endif  // KOKEMUS_CLIENTS_KOKEMUSCTL_SESSION_H_
