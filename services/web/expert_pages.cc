// The expert's pages: offers and tasks, contracts.
#include <algorithm>
#include <iostream>
#include <map>

#include "kokemus/v1/contract_service.grpc.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/domain/contract.h"
#include "services/domain/documents.h"
#include "services/domain/earnings.h"
#include "services/domain/listing.h"
#include "services/domain/matching.h"
#include "services/domain/notifications.h"
#include "services/domain/session.h"
#include "services/reference/calendar.h"
#include "services/web/page_support.h"
#include "services/web/page_texts.h"

namespace kokemus::web {
namespace {

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
  // A confirmed or done task has the audience's survey (its printable card).
  if (a.state() == v1::Assignment::STATE_CONFIRMED ||
      a.state() == v1::Assignment::STATE_COMPLETED) {
    item.set("survey_order", o.name().substr(o.name().rfind('/') + 1));
  }
  return item;
}

// Who ordered the task and whom to contact there, as the expert may see
// them (RegistryService.GetOrganization as herself); `read` holds the
// organizations already read for this page.
void SetOrderer(
    v1::RegistryService::Stub& registry, const std::string& key, const v1::Order& o,
    std::map<std::string, v1::Organization>& read, Data& item) {
  auto it = read.find(o.organization());
  if (it == read.end()) {
    v1::GetOrganizationRequest req;
    req.set_name(o.organization());
    v1::GetOrganizationResponse resp;
    if (!registry.GetOrganization(As(key).get(), req, &resp).ok()) return;
    it = read.emplace(o.organization(), resp.organization()).first;
  }
  const v1::Organization& org = it->second;
  item.set("orderer", org.display_name());
  if (org.contact_name().empty() && org.contact_phone().empty() && org.contact_email().empty()) {
    return;
  }
  // Only what is there: an empty text is still a section, and a missing key
  // would be looked up in the task around it.
  Data contact{Data::type::object};
  contact.set("contact_name", org.contact_name().empty() ? Data(false) : Data(org.contact_name()));
  contact.set("phone", org.contact_phone().empty() ? Data(false) : Data(org.contact_phone()));
  contact.set("email", org.contact_email().empty() ? Data(false) : Data(org.contact_email()));
  item.set("contact", contact);
}

}  // namespace

absl::StatusOr<std::vector<v1::Assignment>> Pages::MyAssignments(
    const Visit& v, const char* state) const {
  auto orders = v1::OrderService::NewStub(api_);
  v1::ListAssignmentsRequest req;
  req.set_parent(absl::StrCat(domain::ExchangeName(v.who.exchange_id), "/orders/-"));
  req.set_filter(absl::StrCat("state = ", state));
  req.set_page_size(500);
  v1::ListAssignmentsResponse list;
  if (grpc::Status s = orders->ListAssignments(As(v.session_key).get(), req, &list); !s.ok()) {
    std::cerr << "web: assignments unavailable: " << s.error_message() << "\n";
    return absl::UnavailableError("assignments unavailable");
  }
  return std::vector<v1::Assignment>(list.assignments().begin(), list.assignments().end());
}

absl::StatusOr<std::vector<std::pair<v1::Assignment, v1::Order>>> Pages::ExpertAssignments(
    const Visit& v, std::initializer_list<const char*> states,
    const std::function<bool(const v1::Assignment&)>& shown) const {
  auto orders = v1::OrderService::NewStub(api_);
  std::vector<std::pair<v1::Assignment, v1::Order>> out;
  std::map<std::string, v1::Order> read;  // one GetOrder per order
  for (const char* state : states) {
    auto list = MyAssignments(v, state);
    if (!list.ok()) return list.status();
    for (v1::Assignment& a : *list) {
      if (shown && !shown(a)) continue;
      const std::string order = OrderOf(a.name());
      auto it = read.find(order);
      if (it == read.end()) {
        v1::GetOrderRequest get;
        get.set_name(order);
        v1::GetOrderResponse got;
        if (!orders->GetOrder(As(v.session_key).get(), get, &got).ok()) continue;
        it = read.emplace(order, got.order()).first;
      }
      out.emplace_back(std::move(a), it->second);
    }
  }
  return out;
}

Response Pages::OffersPage(const Visit& v, const std::string& flash, unsigned int status) const {
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  // Open offers, and those she said yes to in a pool or as a backup.
  auto offered = ExpertAssignments(v, {"OFFERED", "AVAILABLE"});
  if (!offered.ok())
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  // What each offer would do to her pay in its payment month (or year): the
  // payment date by the exchange's pay rule, her pay as the server counts it.
  auto registry = v1::RegistryService::NewStub(api_);
  domain::PayRule pay_rule;
  std::map<int64_t, v1::ExpertEarnings> years;
  if (!offered->empty()) {
    v1::GetExchangeRequest req;
    req.set_name(domain::ExchangeName(v.who.exchange_id));
    v1::GetExchangeResponse resp;
    if (!registry->GetExchange(As(v.session_key).get(), req, &resp).ok()) {
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
    }
    pay_rule.kind = static_cast<domain::PayRuleKind>(resp.exchange().pay_rule().kind());
    pay_rule.day_of_month = resp.exchange().pay_rule().day_of_month();
    pay_rule.days_after = resp.exchange().pay_rule().days_after();
  }
  auto earnings_of = [&](int64_t year) -> const v1::ExpertEarnings* {
    auto it = years.find(year);
    if (it != years.end()) return &it->second;
    v1::GetExpertEarningsRequest req;
    req.set_name(domain::ChildResourceName(v.who.exchange_id, "experts", v.who.expert_id));
    req.set_year(static_cast<int>(year));
    v1::GetExpertEarningsResponse resp;
    if (!registry->GetExpertEarnings(As(v.session_key).get(), req, &resp).ok()) return nullptr;
    return &years.emplace(year, resp.earnings()).first->second;
  };
  std::map<std::string, v1::Organization> organizations;
  Data offers{Data::type::list};
  int index = 0;
  for (const auto& [a, o] : *offered) {
    Data item = TaskData(a, o, lang);
    item.set("index", std::to_string(++index));
    const bool pool = a.offer_kind() == v1::OFFER_KIND_POOL;
    if (a.state() == v1::Assignment::STATE_AVAILABLE) {
      item.set(
          "standing_by", pool ? PageText("standing_pool", lang)
                              : absl::StrCat(
                                    PageText("standing_backup", lang), " ", a.backup_rank(), ". ",
                                    PageText("backup_first", lang)));
      item.set("decline_label", PageText("step_back", lang));
    } else {
      item.set("deadline", domain::FormatDateTime(FromProto(a.offer_deadline()), lang));
      item.set("decline_label", PageText("decline", lang));
      const bool backup = a.offer_kind() == v1::OFFER_KIND_BACKUP;
      item.set(
          "accept_label", PageText(
                              pool     ? "accept_pool"
                              : backup ? "accept_backup"
                                       : "accept",
                              lang));
      if (pool || backup) {
        item.set("kind_note", PageText(pool ? "offer_pool_note" : "offer_backup_note", lang));
      }
    }
    SetOrderer(*registry, v.session_key, o, organizations, item);
    const absl::CivilDay paid = domain::PaymentDate(pay_rule, FromProto(a.start_time()));
    const v1::ExpertEarnings* pay = earnings_of(paid.year());
    if (pay == nullptr) {
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
    }
    const v1::MonthEarnings& month = pay->months(paid.month() - 1);
    const bool yearly = pay->yearly_limit_cents() > 0;
    const int64_t limit = yearly ? pay->yearly_limit_cents() : month.limit_cents();
    if (limit > 0) {
      // Offers hold nothing yet: this one's fee comes on top.
      const int64_t after = (yearly ? pay->paid_cents() + pay->coming_cents()
                                    : month.paid_cents() + month.coming_cents()) +
                            a.fee_cents();
      item.set(
          "limit",
          absl::StrCat(
              yearly ? absl::StrCat(paid.year()) : absl::StrCat(paid.month(), "/", paid.year()),
              " (", PageText("paid_on", lang), " ",
              domain::FormatDate(absl::FromCivil(paid, reference::HelsinkiTimeZone()), lang),
              "): ", PageText("limit_with_task", lang), " ", domain::FormatMoney(after, lang),
              " / ", domain::FormatMoney(limit, lang)));
      if (after > limit) item.set("over_limit", PageText("limit_over", lang));
    }
    offers.push_back(item);
  }
  Data data{Data::type::object};
  data.set("offers", offers);
  return Page(
      v, status, PageText("offers_title", lang), Render("offers.html", v, data), flash, "/offers");
}

Response Pages::TasksPage(const Visit& v, const std::string& flash) const {
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  const absl::Time now = clock_.Now();
  // Coming tasks, and those done in the last year: only their orders are read.
  auto held =
      ExpertAssignments(v, {"ACCEPTED", "CONFIRMED", "COMPLETED"}, [&](const v1::Assignment& a) {
        return a.state() == v1::Assignment::STATE_COMPLETED
                   ? FromProto(a.start_time()) >= now - absl::Hours(24 * 365)
                   : FromProto(a.end_time()) >= now;
      });
  if (!held.ok()) return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  // Coming tasks soonest first, done ones latest first.
  std::sort(held->begin(), held->end(), [](const auto& x, const auto& y) {
    return FromProto(x.first.start_time()) < FromProto(y.first.start_time());
  });
  Data coming{Data::type::list};
  Data done{Data::type::list};
  auto item_of = [&](const v1::Assignment& a, const v1::Order& o) {
    Data item = TaskData(a, o, lang);
    item.set("state", AssignmentStateText(a.state(), lang));
    return item;
  };
  auto registry = v1::RegistryService::NewStub(api_);
  std::map<std::string, v1::Organization> organizations;
  for (const auto& [a, o] : *held) {
    if (a.state() != v1::Assignment::STATE_COMPLETED) {
      Data item = item_of(a, o);
      SetOrderer(*registry, v.session_key, o, organizations, item);
      coming.push_back(item);
    }
  }
  for (auto it = held->rbegin(); it != held->rend(); ++it) {
    const auto& [a, o] = *it;
    if (a.state() != v1::Assignment::STATE_COMPLETED) continue;
    Data item = item_of(a, o);
    item.set("feedback_given", FeedbackGiven(a, v1::Feedback::SOURCE_EXPERT));
    done.push_back(item);
  }
  Data data{Data::type::object};
  data.set("coming", coming);
  data.set("done", done);
  // Her pay this year and next by payment month, as the benefit payers
  // count it (a December task is paid in January).
  const int64_t year = absl::ToCivilYear(now, reference::HelsinkiTimeZone()).year();
  Data months{Data::type::list};
  Data yearly{Data::type::list};
  for (const int64_t y : {year, year + 1}) {
    v1::GetExpertEarningsRequest pay_req;
    pay_req.set_name(domain::ChildResourceName(v.who.exchange_id, "experts", v.who.expert_id));
    pay_req.set_year(static_cast<int>(y));
    v1::GetExpertEarningsResponse pay;
    if (!registry->GetExpertEarnings(As(v.session_key).get(), pay_req, &pay).ok()) {
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
    }
    const v1::ExpertEarnings& e = pay.earnings();
    for (const v1::MonthEarnings& m : e.months()) {
      if (m.task_count() == 0) continue;
      Data row{Data::type::object};
      row.set(
          "month", absl::StrCat(std::stoi(m.month().substr(5, 2)), "/", m.month().substr(0, 4)));
      row.set("paid", domain::FormatMoney(m.paid_cents(), lang));
      row.set("coming", domain::FormatMoney(m.coming_cents(), lang));
      row.set("limit", m.limit_cents() > 0 ? domain::FormatMoney(m.limit_cents(), lang) : "–");
      const int64_t total = m.paid_cents() + m.coming_cents();
      if (m.limit_cents() > 0 && total * 100 >= m.limit_cents() * domain::kEarningsWarningPercent) {
        row.set("near", absl::StrCat(total * 100 / m.limit_cents(), " %"));
      }
      months.push_back(row);
    }
    if (e.yearly_limit_cents() > 0) {
      Data limit{Data::type::object};
      limit.set("year", std::to_string(y));
      limit.set("limit", domain::FormatMoney(e.yearly_limit_cents(), lang));
      limit.set("total", domain::FormatMoney(e.paid_cents() + e.coming_cents(), lang));
      yearly.push_back(limit);
    }
  }
  data.set("has_pay", !months.is_empty_list());
  data.set("pay_months", months);
  data.set("yearly_limits", yearly);
  return Page(
      v, 200, PageText("tasks_title", lang), Render("tasks.html", v, data), flash, "/tasks");
}

Response Pages::AnswerOffer(const Visit& v, const Request& r, bool accept) const {
  auto name = r.form.find("assignment");
  if (name == r.form.end() || v.who.role != domain::AccessRole::kExpert) {
    return Message(
        v, 400, "forbidden_title", {PageText("forbidden_text", v.language)}, "/offers", "back");
  }
  auto orders = v1::OrderService::NewStub(api_);
  grpc::Status s;
  bool available = false;  // a yes to a pool or backup offer: no place yet
  if (accept) {
    v1::AcceptAssignmentRequest req;
    req.set_name(name->second);
    v1::AcceptAssignmentResponse resp;
    s = orders->AcceptAssignment(As(v.session_key).get(), req, &resp);
    available = resp.assignment().state() == v1::Assignment::STATE_AVAILABLE;
  } else {
    v1::DeclineAssignmentRequest req;
    req.set_name(name->second);
    auto reason = r.form.find("reason");
    v1::DeclineReason why = v1::DECLINE_REASON_UNSPECIFIED;
    if (reason != r.form.end() && !reason->second.empty() &&
        !v1::DeclineReason_Parse(absl::StrCat("DECLINE_REASON_", reason->second), &why)) {
      return ReasonPage(v, name->second, true, 400);
    }
    req.set_reason(why);
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
  if (!accept) return Redirect("/offers?done=declined");
  return Redirect(available ? "/offers?done=available_saved" : "/tasks?done=accepted");
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

Response Pages::EarningsLetter(const Visit& v) const {
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  auto registry = v1::RegistryService::NewStub(api_);
  v1::RenderEarningsLetterRequest req;
  req.set_name(domain::ChildResourceName(v.who.exchange_id, "experts", v.who.expert_id));
  req.set_language(v.language);
  v1::RenderEarningsLetterResponse pdf;
  grpc::Status s = registry->RenderEarningsLetter(As(v.session_key).get(), req, &pdf);
  if (!s.ok()) {
    std::cerr << "web: an earnings letter is unavailable: " << s.error_message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
  }
  return {
      200,
      "application/pdf",
      pdf.content(),
      {{"Content-Disposition", "inline; filename=\"earnings-letter.pdf\""}}};
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

Response Pages::ReasonPage(
    const Visit& v, const std::string& assignment, bool decline, unsigned int status) const {
  const char* back = decline ? "/offers" : "/tasks";
  if (v.who.role != domain::AccessRole::kExpert || assignment.empty()) {
    return Message(v, 404, "not_found_title", {}, back, "back");
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
  if (!s.ok()) return Message(v, 404, "not_found_title", {}, back, "back");
  const v1::Assignment& a = held.assignment();
  // The state is as of the server's clock: an offer past its deadline is LAPSED.
  const bool open = decline ? a.state() == v1::Assignment::STATE_OFFERED ||
                                  a.state() == v1::Assignment::STATE_AVAILABLE
                            : a.state() == v1::Assignment::STATE_ACCEPTED ||
                                  a.state() == v1::Assignment::STATE_CONFIRMED;
  if (!open) {
    return decline ? OffersPage(v, PageText("not_possible", lang), 409)
                   : Message(
                         v, 409, "cancel_task_title", {PageText("task_not_cancellable", lang)},
                         back, "back");
  }
  v1::GetOrderRequest get_order;
  get_order.set_name(OrderOf(a.name()));
  v1::GetOrderResponse order;
  if (!orders->GetOrder(As(v.session_key).get(), get_order, &order).ok()) {
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  Data data = TaskData(a, order.order(), lang);
  if (decline) {
    return Page(
        v, status, PageText("decline_title", lang), Render("decline.html", v, data), "", back);
  }
  return Page(
      v, status, PageText("cancel_task_title", lang), Render("cancel_task.html", v, data), "",
      back);
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
    return ReasonPage(v, name->second, false, 400);
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
      return Redirect("/tasks?done=task_cancelled");
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
      return Message(v, 404, "not_found_title", {}, "/tasks", "back");
    case grpc::StatusCode::UNAVAILABLE:
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
    default:
      return Message(
          v, 409, "cancel_task_title", {PageText("task_not_cancellable", v.language)}, "/offers",
          "back");
  }
}

}  // namespace kokemus::web
