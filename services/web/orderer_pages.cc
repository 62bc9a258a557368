// The pages of an orderer organization's contact person: its orders, a new
// order with the structured form, an order's state and assigned experts,
// and cancelling with the fee shown before confirming. Every call is the
// API's, as the organization (the ORDERER_SYSTEM role, narrowed to it).
#include <algorithm>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/domain/contract.h"
#include "services/domain/documents.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/validation.h"
#include "services/reference/calendar.h"
#include "services/reference/reference_data.h"
#include "services/web/page_support.h"
#include "services/web/page_texts.h"

namespace kokemus::web {
namespace {

// The form's fields, in the order the page shows them; each API field
// ("order.topic") is shown at one of them.
struct FormField {
  const char* field;      // the form's input name
  const char* api_field;  // the API's field path
};
constexpr FormField kFormFields[] = {
    {"role", "order.role"},
    {"topic", "order.topic"},
    {"audience", "order.audience"},
    {"audience_size", "order.audience_size"},
    {"date", "order.start_time"},
    {"time", ""},  // checked here; the API's start_time is shown at the date
    {"duration_minutes", "order.duration_minutes"},
    {"preparation_minutes", "order.preparation_minutes"},
    {"remote", "order.remote"},
    {"address", "order.address"},
    {"municipality", "order.municipality"},
    {"language", "order.language"},
    {"experience_areas", "order.experience_areas"},
    {"experts_needed", "order.experts_needed"},
    {"notes", "order.notes"},
};

std::string OrderStateText(v1::Order::State state, const std::string& lang) {
  switch (state) {
    case v1::Order::STATE_OPEN:
      return PageText("order_open", lang);
    case v1::Order::STATE_ASSIGNED:
      return PageText("order_assigned", lang);
    case v1::Order::STATE_COMPLETED:
      return PageText("order_completed", lang);
    case v1::Order::STATE_CANCELLED:
      return PageText("state_cancelled", lang);
    default:
      return "";
  }
}

std::string OrderId(const std::string& name) { return name.substr(name.rfind('/') + 1); }

}  // namespace

Response Pages::OrdersPage(const Visit& v, const std::string& flash) const {
  if (v.who.role != domain::AccessRole::kOrdererSystem) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  auto orders = v1::OrderService::NewStub(api_);
  v1::ListOrdersRequest req;
  req.set_parent(domain::ExchangeName(v.who.exchange_id));
  // From the start of the month before: the recent past and everything coming.
  const absl::CivilMonth month =
      absl::ToCivilMonth(clock_.Now(), reference::HelsinkiTimeZone()) - 1;
  req.set_filter(absl::StrCat(
      "start_time >= ",
      absl::FormatTime(
          "%Y-%m-%dT%H:%M:%SZ", absl::FromCivil(month, reference::HelsinkiTimeZone()),
          absl::UTCTimeZone())));
  req.set_page_size(200);
  v1::ListOrdersResponse list;
  if (grpc::Status s = orders->ListOrders(As(v.session_key).get(), req, &list); !s.ok()) {
    std::cerr << "web: orders unavailable: " << s.error_message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  Data items{Data::type::list};
  for (const v1::Order& o : list.orders()) {
    Data item{Data::type::object};
    item.set("id", OrderId(o.name()));
    item.set("role", domain::RoleLabel(static_cast<domain::Role>(o.role()), lang));
    item.set("topic", o.topic());
    item.set("time", domain::FormatDateTime(FromProto(o.start_time()), lang));
    item.set("state", OrderStateText(o.state(), lang));
    items.push_back(item);
  }
  Data data{Data::type::object};
  data.set("orders", items);
  return Page(
      v, 200, PageText("orders_title", lang), Render("orders.html", v, data), flash, "/orders");
}

Response Pages::OrderForm(
    const Visit& v, const Request& r, unsigned int status,
    const std::map<std::string, std::string>& errors) const {
  if (v.who.role != domain::AccessRole::kOrdererSystem) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  const bool posted = r.method == "POST";
  auto value = [&](const std::string& name, const std::string& initial) {
    return posted ? Field(r, name) : initial;
  };
  Data data{Data::type::object};
  // The order's id is fixed when the form is shown: sending it twice makes
  // one order.
  data.set("order_id", value("order_id", domain::GenerateId()));
  for (const char* name : {"topic", "audience_size", "address", "municipality", "notes"}) {
    data.set(name, value(name, ""));
  }
  data.set("date", value("date", ""));
  data.set("time", value("time", ""));
  data.set("duration_minutes", value("duration_minutes", "90"));
  data.set("preparation_minutes", value("preparation_minutes", "0"));
  data.set("experts_needed", value("experts_needed", "1"));
  data.set("remote", posted && Field(r, "remote") == "1");
  auto options = [&](const std::string& chosen, int count, auto label) {
    Data list{Data::type::list};
    for (int i = 1; i < count; ++i) {
      Data o{Data::type::object};
      o.set("value", std::to_string(i));
      o.set("label", label(i));
      o.set("selected", chosen == std::to_string(i));
      list.push_back(o);
    }
    return list;
  };
  data.set("roles", options(value("role", "1"), 12, [&](int i) {
             return domain::RoleLabel(static_cast<domain::Role>(i), lang);
           }));
  data.set("audiences", options(value("audience", "1"), 5, [&](int i) {
             return domain::AudienceLabel(static_cast<domain::Audience>(i), lang);
           }));
  Data languages{Data::type::list};
  for (const char* code : {"fi", "sv", "en"}) {
    Data o{Data::type::object};
    o.set("value", code);
    o.set("label", LanguageName(code, lang));
    o.set("selected", value("language", lang) == code);
    languages.push_back(o);
  }
  data.set("languages", languages);
  const std::vector<std::string> areas =
      absl::StrSplit(Field(r, "experience_areas"), ',', absl::SkipEmpty());
  Data area_list{Data::type::list};
  for (int i = 1; i < 10; ++i) {
    Data o{Data::type::object};
    o.set("value", std::to_string(i));
    o.set("label", domain::ExperienceAreaLabel(static_cast<domain::ExperienceArea>(i), lang));
    o.set("checked", std::find(areas.begin(), areas.end(), std::to_string(i)) != areas.end());
    area_list.push_back(o);
  }
  data.set("areas", area_list);
  Data error_list{Data::type::list};
  for (const FormField& f : kFormFields) {
    auto it = errors.find(f.field);
    if (it == errors.end()) continue;
    data.set(absl::StrCat(f.field, "_error"), it->second);
    Data e{Data::type::object};
    e.set("field", f.field);
    e.set("text", it->second);
    error_list.push_back(e);
  }
  data.set("has_errors", !error_list.is_empty_list());
  data.set("errors", error_list);
  return Page(
      v, status, PageText("new_order_title", lang), Render("order_form.html", v, data), "",
      "/orders/new");
}

Response Pages::CreateOrder(const Visit& v, const Request& r) const {
  if (v.who.role != domain::AccessRole::kOrdererSystem) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  std::map<std::string, std::string> errors;
  auto number = [&](const std::string& name, int& out) {
    const std::string text = Field(r, name);
    if (text.empty()) return;
    if (!absl::SimpleAtoi(text, &out)) errors[name] = PageText("err_number", lang);
  };
  v1::Order o;
  o.set_organization(
      domain::ChildResourceName(v.who.exchange_id, "organizations", v.who.organization_id));
  int role = 0, audience = 0, size = 0, duration = 0, preparation = 0, needed = 0;
  number("role", role);
  number("audience", audience);
  number("audience_size", size);
  number("duration_minutes", duration);
  number("preparation_minutes", preparation);
  number("experts_needed", needed);
  if (v1::Role_IsValid(role)) o.set_role(static_cast<v1::Role>(role));
  if (v1::Audience_IsValid(audience)) o.set_audience(static_cast<v1::Audience>(audience));
  o.set_audience_size(size);
  o.set_duration_minutes(duration);
  o.set_preparation_minutes(preparation);
  o.set_experts_needed(needed);
  o.set_topic(Field(r, "topic"));
  o.set_remote(Field(r, "remote") == "1");
  o.set_address(Field(r, "address"));
  o.set_language(Field(r, "language"));
  o.set_notes(Field(r, "notes"));
  if (o.topic().empty()) errors["topic"] = PageText("err_topic", lang);
  // The municipality by its name in Finnish or Swedish (or its code).
  const std::string place = Field(r, "municipality");
  if (place.empty()) {
    errors["municipality"] = PageText("err_municipality_missing", lang);
  } else {
    const auto& ref = reference::ReferenceData::Get();
    const reference::Municipality* m = ref.FindMunicipalityByName(place);
    if (m == nullptr) m = ref.FindMunicipality(place);
    if (m == nullptr) {
      errors["municipality"] = PageText("err_municipality", lang);
    } else {
      o.set_municipality(m->code);
    }
  }
  for (absl::string_view part : absl::StrSplit(Field(r, "experience_areas"), ',')) {
    int area = 0;
    if (absl::SimpleAtoi(part, &area) && v1::ExperienceArea_IsValid(area) && area > 0) {
      o.add_experience_areas(static_cast<v1::ExperienceArea>(area));
    }
  }
  // The date and time as a person in Finland means them: Helsinki time.
  absl::CivilDay day;
  absl::CivilMinute minute;
  const std::string date = Field(r, "date");
  const std::string time = Field(r, "time");
  if (!absl::ParseCivilTime(date, &day)) {
    errors["date"] = PageText("err_date", lang);
  } else if (!absl::ParseCivilTime(absl::StrCat(date, "T", time), &minute)) {
    errors["time"] = PageText("err_time", lang);
  } else {
    o.mutable_start_time()->set_seconds(
        absl::ToUnixSeconds(absl::FromCivil(minute, reference::HelsinkiTimeZone())));
  }
  if (!errors.empty()) return OrderForm(v, r, 400, errors);

  auto orders = v1::OrderService::NewStub(api_);
  v1::CreateOrderRequest req;
  req.set_parent(domain::ExchangeName(v.who.exchange_id));
  *req.mutable_order() = o;
  req.set_order_id(Field(r, "order_id"));
  v1::CreateOrderResponse resp;
  grpc::Status s = orders->CreateOrder(As(v.session_key).get(), req, &resp);
  if (s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
    // Sent twice (a double tap, a reload): the first made it.
    return Redirect(absl::StrCat("/orders/", req.order_id(), "?done=order_created"));
  }
  if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    for (const auto& [api_field, why] : Violations(s)) {
      for (const FormField& f : kFormFields) {
        if (api_field != f.api_field || errors.count(f.field)) continue;
        const std::string key =
            api_field == "order.start_time" ? "err_start_time" : absl::StrCat("err_", f.field);
        std::string text = PageText(key, lang);
        errors[f.field] = text == key ? PageText("err_field", lang) : text;
      }
    }
    if (errors.empty()) errors["topic"] = PageText("err_field", lang);
    return OrderForm(v, r, 400, errors);
  }
  if (s.error_code() != grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "web: an order was refused: " << s.error_message() << "\n";
  }
  return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
}

Response Pages::OrderPage(
    const Visit& v, const std::string& id, const std::string& flash, bool confirm_cancel) const {
  if (v.who.role != domain::AccessRole::kOrdererSystem) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  auto orders = v1::OrderService::NewStub(api_);
  v1::GetOrderRequest get;
  get.set_name(domain::ChildResourceName(v.who.exchange_id, "orders", id));
  v1::GetOrderResponse got;
  grpc::Status s = orders->GetOrder(As(v.session_key).get(), get, &got);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
      s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    return Message(v, 404, "not_found_title", {}, "/orders", "back");
  }
  if (!s.ok()) return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  const v1::Order& o = got.order();
  Data data{Data::type::object};
  data.set("id", id);
  data.set("etag", o.etag());
  data.set("role", domain::RoleLabel(static_cast<domain::Role>(o.role()), lang));
  data.set("topic", o.topic());
  data.set("time", domain::FormatDateTime(FromProto(o.start_time()), lang));
  data.set("duration", std::to_string(o.duration_minutes()));
  data.set("place", domain::PlaceLabel(o.remote(), o.address(), o.municipality(), lang));
  data.set("audience", domain::AudienceLabel(static_cast<domain::Audience>(o.audience()), lang));
  data.set("language", LanguageName(o.language(), lang));
  data.set("experts_needed", std::to_string(o.experts_needed()));
  data.set("state", OrderStateText(o.state(), lang));
  if (!o.notes().empty()) data.set("notes", o.notes());

  // The experts: names of those holding a place, as the organization sees them.
  v1::ListAssignmentsRequest list;
  list.set_parent(get.name());
  list.set_page_size(100);
  v1::ListAssignmentsResponse assignments;
  if (!orders->ListAssignments(As(v.session_key).get(), list, &assignments).ok()) {
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  auto registry = v1::RegistryService::NewStub(api_);
  Data experts{Data::type::list};
  for (const v1::Assignment& a : assignments.assignments()) {
    if (a.state() != v1::Assignment::STATE_ACCEPTED &&
        a.state() != v1::Assignment::STATE_CONFIRMED &&
        a.state() != v1::Assignment::STATE_COMPLETED) {
      continue;  // offers and declines are the exchange's business
    }
    v1::GetExpertRequest who;
    who.set_name(a.expert());
    v1::GetExpertResponse expert;
    Data e{Data::type::object};
    e.set(
        "name", registry->GetExpert(As(v.session_key).get(), who, &expert).ok()
                    ? expert.expert().display_name()
                    : PageText("expert", lang));
    e.set("state", AssignmentStateText(a.state(), lang));
    if (a.state() == v1::Assignment::STATE_COMPLETED &&
        !FeedbackGiven(a, v1::Feedback::SOURCE_ORDERER)) {
      e.set("feedback", a.name());
    }
    experts.push_back(e);
  }
  data.set("experts", experts);
  data.set("no_experts", experts.is_empty_list());
  // With an expert confirmed the visit has the audience's survey, whose card
  // the teacher can print or show.
  data.set(
      "survey", std::any_of(
                    assignments.assignments().begin(), assignments.assignments().end(),
                    [](const v1::Assignment& a) {
    return a.state() == v1::Assignment::STATE_CONFIRMED ||
           a.state() == v1::Assignment::STATE_COMPLETED;
                    }));
  const bool cancellable =
      o.state() == v1::Order::STATE_OPEN || o.state() == v1::Order::STATE_ASSIGNED;
  data.set("cancellable", cancellable && !confirm_cancel);
  if (cancellable && confirm_cancel) {
    // What cancelling now would cost, computed by the API and stored nowhere.
    v1::CancelOrderRequest preview;
    preview.set_name(get.name());
    preview.set_cancelled_by(v1::CANCELLED_BY_ORDERER);
    preview.set_validate_only(true);
    v1::CancelOrderResponse plan;
    if (!orders->CancelOrder(As(v.session_key).get(), preview, &plan).ok()) {
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
    }
    Data confirm{Data::type::object};
    confirm.set(
        "consequence", plan.cancellation_fee_cents() > 0
                           ? absl::StrCat(
                                 PageText("cancel_fee", lang), " ",
                                 domain::FormatMoney(plan.cancellation_fee_cents(), lang), ".")
                           : PageText("cancel_free", lang));
    data.set("confirm", confirm);
  }
  return Page(
      v, 200, PageText("order_title", lang), Render("order.html", v, data), flash, "/orders");
}

Response Pages::CancelOrder(const Visit& v, const Request& r, const std::string& id) const {
  if (v.who.role != domain::AccessRole::kOrdererSystem) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  auto orders = v1::OrderService::NewStub(api_);
  v1::CancelOrderRequest req;
  req.set_name(domain::ChildResourceName(v.who.exchange_id, "orders", id));
  req.set_cancelled_by(v1::CANCELLED_BY_ORDERER);
  // The order as it was shown with its fee: changed since, it is shown again.
  req.set_etag(Field(r, "etag"));
  v1::CancelOrderResponse resp;
  grpc::Status s = orders->CancelOrder(As(v.session_key).get(), req, &resp);
  switch (s.error_code()) {
    case grpc::StatusCode::OK:
      return Redirect(absl::StrCat("/orders/", id, "?done=order_cancelled"));
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::INVALID_ARGUMENT:
      return Message(v, 404, "not_found_title", {}, "/orders", "back");
    case grpc::StatusCode::ABORTED: {
      Response again = OrderPage(v, id, PageText("order_changed", v.language), true);
      again.status = 409;
      return again;
    }
    case grpc::StatusCode::FAILED_PRECONDITION: {
      Response again = OrderPage(v, id, PageText("cancel_not_possible", v.language));
      again.status = 409;
      return again;
    }
    default:
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
  }
}

}  // namespace kokemus::web
