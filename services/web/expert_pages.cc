// The expert's pages: offers and tasks, contracts.
#include <iostream>

#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "services/domain/contract.h"
#include "services/domain/documents.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/session.h"
#include "services/web/page_support.h"
#include "services/web/page_texts.h"

namespace kokemus::web {
namespace {

// "exchanges/x/orders/o/assignments/a" → "exchanges/x/orders/o".
std::string OrderOf(const std::string& assignment) {
  return assignment.substr(0, assignment.find("/assignments/"));
}

// What a task's card and pages show of an assignment and its order.
Data TaskData(const v1::Assignment& a, const v1::Order& o, const std::string& lang) {
  Data item{Data::type::object};
  item.set("name", a.name());
  item.set("role", domain::RoleLabel(static_cast<domain::Role>(o.role()), lang));
  item.set("topic", o.topic());
  item.set("time", domain::FormatDateTime(FromProto(o.start_time()), lang));
  item.set(
      "duration",
      std::to_string(absl::ToInt64Minutes(FromProto(a.end_time()) - FromProto(a.start_time()))));
  item.set("place", domain::PlaceLabel(o.remote(), o.address(), o.municipality(), lang));
  item.set("audience", domain::AudienceLabel(static_cast<domain::Audience>(o.audience()), lang));
  item.set("language", LanguageName(o.language(), lang));
  item.set("fee", domain::FormatMoney(a.fee_cents(), lang));
  item.set("travel", domain::FormatMoney(a.travel_cents(), lang));
  item.set("total", domain::FormatMoney(a.total_cents(), lang));
  return item;
}

}  // namespace

Response Pages::OffersPage(const Visit& v, const std::string& flash, unsigned int status) const {
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  auto orders = v1::OrderService::NewStub(api_);
  const std::string& lang = v.language;
  const absl::Time now = clock_.Now();
  auto list = [&](const std::string& state, v1::ListAssignmentsResponse& out) {
    v1::ListAssignmentsRequest req;
    req.set_parent(absl::StrCat(domain::ExchangeName(v.who.exchange_id), "/orders/-"));
    req.set_filter(absl::StrCat("state = ", state));
    req.set_page_size(100);
    return orders->ListAssignments(As(v.session_key).get(), req, &out);
  };
  v1::ListAssignmentsResponse offered, accepted, confirmed;
  for (auto [state, out] :
       {std::pair<const char*, v1::ListAssignmentsResponse*>{"OFFERED", &offered},
        {"ACCEPTED", &accepted},
        {"CONFIRMED", &confirmed}}) {
    grpc::Status s = list(state, *out);
    if (!s.ok()) {
      std::cerr << "web: offers unavailable: " << s.error_message() << "\n";
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
    }
  }
  auto card = [&](const v1::Assignment& a, int index, Data& item) -> bool {
    v1::GetOrderRequest req;
    req.set_name(OrderOf(a.name()));
    v1::GetOrderResponse resp;
    if (!orders->GetOrder(As(v.session_key).get(), req, &resp).ok()) return false;
    item = TaskData(a, resp.order(), lang);
    item.set("index", std::to_string(index));
    item.set("deadline", domain::FormatDateTime(FromProto(a.offer_deadline()), lang));
    return true;
  };
  Data data{Data::type::object};
  Data offers{Data::type::list};
  int index = 0;
  for (const v1::Assignment& a : offered.assignments()) {
    Data item{Data::type::object};
    if (card(a, ++index, item)) offers.push_back(item);
  }
  data.set("offers", offers);
  Data tasks{Data::type::list};
  for (const auto* group : {&accepted, &confirmed}) {
    for (const v1::Assignment& a : group->assignments()) {
      if (FromProto(a.end_time()) < now) continue;
      Data item{Data::type::object};
      if (!card(a, ++index, item)) continue;
      item.set(
          "state",
          PageText(
              a.state() == v1::Assignment::STATE_ACCEPTED ? "state_accepted" : "state_confirmed",
              lang));
      tasks.push_back(item);
    }
  }
  if (!tasks.is_empty_list()) data.set("tasks_heading", PageText("tasks_heading", lang));
  data.set("tasks", tasks);
  return Page(
      v, status, PageText("offers_title", lang), Render("offers.html", v, data), flash, "/offers");
}

Response Pages::AnswerOffer(const Visit& v, const Request& r, bool accept) const {
  auto name = r.form.find("assignment");
  if (name == r.form.end() || v.who.role != domain::AccessRole::kExpert) {
    return Message(
        v, 400, "forbidden_title", {PageText("forbidden_text", v.language)}, "/offers", "back");
  }
  auto orders = v1::OrderService::NewStub(api_);
  grpc::Status s;
  if (accept) {
    v1::AcceptAssignmentRequest req;
    req.set_name(name->second);
    v1::AcceptAssignmentResponse resp;
    s = orders->AcceptAssignment(As(v.session_key).get(), req, &resp);
  } else {
    v1::DeclineAssignmentRequest req;
    req.set_name(name->second);
    v1::DeclineAssignmentResponse resp;
    s = orders->DeclineAssignment(As(v.session_key).get(), req, &resp);
  }
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
  }
  if (!s.ok()) {
    // Another's offer answers NOT_FOUND like a missing one; an answered or
    // lapsed one FAILED_PRECONDITION: either way, nothing changed.
    return OffersPage(
        v, PageText("not_possible", v.language),
        s.error_code() == grpc::StatusCode::NOT_FOUND ? 404 : 409);
  }
  // Post, redirect, get: reloading the page sends nothing again.
  return Redirect(accept ? "/offers?done=accepted" : "/offers?done=declined");
}

Response Pages::ContractsPage(
    const Visit& v, const std::string& flash, unsigned int status, const std::string& failed,
    const std::string& typed, const std::string& error) const {
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  auto contracts = v1::ContractService::NewStub(api_);
  auto orders = v1::OrderService::NewStub(api_);
  v1::ListContractsRequest req;
  req.set_parent(domain::ExchangeName(v.who.exchange_id));
  req.set_page_size(100);
  v1::ListContractsResponse list;
  if (grpc::Status s = contracts->ListContracts(As(v.session_key).get(), req, &list); !s.ok()) {
    std::cerr << "web: contracts unavailable: " << s.error_message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  Data waiting{Data::type::list};
  Data accepted{Data::type::list};
  int index = 0;
  for (const v1::Contract& c : list.contracts()) {
    if (!c.superseded_by().empty()) continue;  // a newer version replaces it
    v1::GetOrderRequest get;
    get.set_name(OrderOf(c.assignment()));
    v1::GetOrderResponse order;
    if (!orders->GetOrder(As(v.session_key).get(), get, &order).ok()) continue;
    const v1::Order& o = order.order();
    const std::string id = c.name().substr(c.name().rfind('/') + 1);
    Data item{Data::type::object};
    item.set("index", std::to_string(++index));
    item.set("id", id);
    item.set("name", c.name());
    item.set(
        "task", absl::StrCat(
                    domain::RoleLabel(static_cast<domain::Role>(o.role()), lang), ": ", o.topic()));
    item.set("time", domain::FormatDateTime(FromProto(o.start_time()), lang));
    item.set("version", std::to_string(c.version()));
    item.set("document_language", LanguageName(c.language(), lang));
    if (c.has_accepted_time()) {
      item.set("accepted_time", domain::FormatDateTime(FromProto(c.accepted_time()), lang));
      item.set("accepted_name", c.accepted_name());
      accepted.push_back(item);
      continue;
    }
    if (c.name() == failed) {
      item.set("typed", typed);
      item.set("error", error);
    } else {
      item.set("typed", "");
    }
    waiting.push_back(item);
  }
  Data data{Data::type::object};
  data.set("waiting", waiting);
  data.set("accepted", accepted);
  data.set("none", waiting.is_empty_list() && accepted.is_empty_list());
  data.set("intro", !waiting.is_empty_list());
  if (!accepted.is_empty_list()) data.set("accepted_heading", PageText("accepted_contracts", lang));
  return Page(
      v, status, PageText("contracts_title", lang), Render("contracts.html", v, data), flash,
      "/contracts");
}

Response Pages::ContractDocument(const Visit& v, const std::string& id) const {
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  auto contracts = v1::ContractService::NewStub(api_);
  v1::GetContractDocumentRequest req;
  req.set_name(domain::ChildResourceName(v.who.exchange_id, "contracts", id));
  req.set_format(v1::DOCUMENT_FORMAT_PDF);
  v1::GetContractDocumentResponse pdf;
  grpc::Status s = contracts->GetContractDocument(As(v.session_key).get(), req, &pdf);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    // Another's contract is as missing as a made-up one.
    return Message(v, 404, "not_found_title", {}, "/contracts", "back");
  }
  if (!s.ok()) {
    std::cerr << "web: a contract document is unavailable: " << s.error_message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
  }
  return {
      200,
      "application/pdf",
      pdf.content(),
      {{"Content-Disposition", absl::StrCat("inline; filename=\"contract-", id, ".pdf\"")}}};
}

Response Pages::AcceptContract(const Visit& v, const Request& r) const {
  auto name = r.form.find("contract");
  auto typed = r.form.find("full_name");
  if (name == r.form.end() || v.who.role != domain::AccessRole::kExpert) {
    return Message(
        v, 400, "forbidden_title", {PageText("forbidden_text", v.language)}, "/contracts", "back");
  }
  const std::string full_name = typed == r.form.end() ? "" : typed->second;
  auto contracts = v1::ContractService::NewStub(api_);
  v1::AcceptContractRequest req;
  req.set_name(name->second);
  req.set_full_name(full_name);
  v1::AcceptContractResponse resp;
  grpc::Status s = contracts->AcceptContract(As(v.session_key).get(), req, &resp);
  switch (s.error_code()) {
    case grpc::StatusCode::OK:
      return Redirect("/contracts?done=contract_accepted");
    case grpc::StatusCode::INVALID_ARGUMENT:
      // The name field: the error is shown at the field, what was typed kept.
      return ContractsPage(
          v, "", 400, name->second, full_name, PageText("full_name_missing", v.language));
    case grpc::StatusCode::UNAVAILABLE:
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
    case grpc::StatusCode::NOT_FOUND:
      return ContractsPage(v, PageText("contract_not_possible", v.language), 404);
    default:
      return ContractsPage(v, PageText("contract_not_possible", v.language), 409);
  }
}

Response Pages::CancelTaskPage(
    const Visit& v, const std::string& assignment, unsigned int status) const {
  if (v.who.role != domain::AccessRole::kExpert || assignment.empty()) {
    return Message(v, 404, "not_found_title", {}, "/offers", "back");
  }
  const std::string& lang = v.language;
  auto orders = v1::OrderService::NewStub(api_);
  v1::GetAssignmentRequest get;
  get.set_name(assignment);
  v1::GetAssignmentResponse held;
  grpc::Status s = orders->GetAssignment(As(v.session_key).get(), get, &held);
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  if (!s.ok()) return Message(v, 404, "not_found_title", {}, "/offers", "back");
  const v1::Assignment& a = held.assignment();
  if (a.state() != v1::Assignment::STATE_ACCEPTED && a.state() != v1::Assignment::STATE_CONFIRMED) {
    return Message(
        v, 409, "cancel_task_title", {PageText("task_not_cancellable", lang)}, "/offers", "back");
  }
  v1::GetOrderRequest get_order;
  get_order.set_name(OrderOf(a.name()));
  v1::GetOrderResponse order;
  if (!orders->GetOrder(As(v.session_key).get(), get_order, &order).ok()) {
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  Data data = TaskData(a, order.order(), lang);
  return Page(
      v, status, PageText("cancel_task_title", lang), Render("cancel_task.html", v, data), "",
      "/offers");
}

Response Pages::CancelTask(const Visit& v, const Request& r) const {
  auto name = r.form.find("assignment");
  if (name == r.form.end() || v.who.role != domain::AccessRole::kExpert) {
    return Message(
        v, 400, "forbidden_title", {PageText("forbidden_text", v.language)}, "/offers", "back");
  }
  auto reason = r.form.find("reason");
  v1::CancelReason why = v1::CANCEL_REASON_UNSPECIFIED;
  if (reason != r.form.end() && !reason->second.empty() &&
      !v1::CancelReason_Parse(absl::StrCat("CANCEL_REASON_", reason->second), &why)) {
    return CancelTaskPage(v, name->second, 400);
  }
  auto orders = v1::OrderService::NewStub(api_);
  v1::CancelAssignmentRequest req;
  req.set_name(name->second);
  req.set_cancelled_by(v1::CANCELLED_BY_EXPERT);
  req.set_reason(why);
  v1::CancelAssignmentResponse resp;
  grpc::Status s = orders->CancelAssignment(As(v.session_key).get(), req, &resp);
  switch (s.error_code()) {
    case grpc::StatusCode::OK:
      return Redirect("/offers?done=task_cancelled");
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
      return Message(v, 404, "not_found_title", {}, "/offers", "back");
    case grpc::StatusCode::UNAVAILABLE:
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
    default:
      return Message(
          v, 409, "cancel_task_title", {PageText("task_not_cancellable", v.language)}, "/offers",
          "back");
  }
}

}  // namespace kokemus::web
