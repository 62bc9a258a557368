// Feedback after a task, one page for both sides: the expert's own
// reflection (how heavy it felt, whether the setting was safe), which only
// the exchange sees, and the orderer contact's rating of the visit. Both go
// through SubmitFeedback as the signed-in person, once per side.
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "kokemus/v1/order_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "services/domain/contract.h"
#include "services/domain/documents.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/web/page_support.h"
#include "services/web/page_texts.h"

namespace kokemus::web {
namespace {

// A 1-to-5 question of the form.
struct Scale {
  const char* field;   // the form's input name
  const char* legend;  // text keys
  const char* hint;
  bool required;
};
constexpr Scale kExpertScales[] = {
    {"heaviness", "fb_heaviness", "fb_heaviness_hint", true},
    {"overall_rating", "fb_expert_overall", "fb_rating_hint", false},
};
constexpr Scale kOrdererScales[] = {
    {"overall_rating", "fb_overall", "fb_rating_hint", true},
    {"content_rating", "fb_content", "fb_rating_hint", false},
};

}  // namespace

Response Pages::FeedbackPage(
    const Visit& v, const Request& r, unsigned int status,
    const std::map<std::string, std::string>& errors) const {
  const std::string& lang = v.language;
  const bool expert = v.who.role == domain::AccessRole::kExpert;
  const std::string name = r.method == "POST"
                               ? Field(r, "assignment")
                               : (r.query.count("assignment") ? r.query.at("assignment") : "");
  // Back to her tasks, or to the order the orderer came from.
  const std::string order_name = OrderOf(name);
  const std::string back =
      expert ? "/tasks" : absl::StrCat("/orders/", order_name.substr(order_name.rfind('/') + 1));
  auto orders = v1::OrderService::NewStub(api_);
  v1::GetAssignmentRequest get;
  get.set_name(name);
  v1::GetAssignmentResponse held;
  grpc::Status s = orders->GetAssignment(As(v.session_key).get(), get, &held);
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  // Another's task is as missing as a made-up one.
  if (name.empty() || !s.ok()) {
    return Message(v, 404, "not_found_title", {}, expert ? "/tasks" : "/orders", "back");
  }
  const v1::Assignment& a = held.assignment();
  if (a.state() != v1::Assignment::STATE_COMPLETED) {
    return Message(v, 409, "feedback_title", {PageText("feedback_not_yet", lang)}, back, "back");
  }
  if (FeedbackGiven(a, expert ? v1::Feedback::SOURCE_EXPERT : v1::Feedback::SOURCE_ORDERER)) {
    return Message(v, 409, "feedback_title", {PageText("feedback_already", lang)}, back, "back");
  }
  v1::GetOrderRequest get_order;
  get_order.set_name(OrderOf(a.name()));
  v1::GetOrderResponse order;
  if (!orders->GetOrder(As(v.session_key).get(), get_order, &order).ok()) {
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  const v1::Order& o = order.order();
  Data data{Data::type::object};
  data.set("name", a.name());
  data.set("back", back);
  data.set("role", domain::RoleLabel(static_cast<domain::Role>(o.role()), lang));
  data.set("topic", o.topic());
  data.set("time", domain::FormatDateTime(FromProto(a.start_time()), lang));
  data.set("place", domain::PlaceLabel(o.remote(), o.address(), o.municipality(), lang));
  data.set("intro", PageText(expert ? "feedback_intro_expert" : "feedback_intro_orderer", lang));
  if (!expert) {
    // Whom the rating is about, as the organization sees the expert.
    auto registry = v1::RegistryService::NewStub(api_);
    v1::GetExpertRequest who;
    who.set_name(a.expert());
    v1::GetExpertResponse got;
    if (registry->GetExpert(As(v.session_key).get(), who, &got).ok()) {
      data.set("expert_name", got.expert().display_name());
    }
  }
  const bool posted = r.method == "POST";
  Data scales{Data::type::list};
  for (const Scale& q : expert ? kExpertScales : kOrdererScales) {
    Data scale{Data::type::object};
    scale.set("field", q.field);
    scale.set("legend", PageText(q.legend, lang));
    scale.set("hint", PageText(q.hint, lang));
    Data options{Data::type::list};
    for (int i = 1; i <= 5; ++i) {
      Data option{Data::type::object};
      option.set("value", std::to_string(i));
      option.set("checked", posted && Field(r, q.field) == std::to_string(i));
      options.push_back(option);
    }
    scale.set("options", options);
    if (auto e = errors.find(q.field); e != errors.end()) scale.set("error", e->second);
    scales.push_back(scale);
  }
  data.set("scales", scales);
  if (expert) {
    Data safe{Data::type::object};
    safe.set("yes", posted && Field(r, "setting_safe") == "yes");
    safe.set("no", posted && Field(r, "setting_safe") == "no");
    if (auto e = errors.find("setting_safe"); e != errors.end()) safe.set("error", e->second);
    data.set("safe", safe);
    // Optional: whether she got support after the task.
    Data support{Data::type::object};
    for (const char* answer : {"yes", "no", "not_needed"}) {
      support.set(answer, posted && Field(r, "support_afterwards") == answer);
    }
    data.set("support", support);
  }
  data.set("comment", posted ? Field(r, "comment") : "");
  if (auto e = errors.find("comment"); e != errors.end()) data.set("comment_error", e->second);
  // The summary names each question and links to it, in the page's order.
  Data error_list{Data::type::list};
  const std::pair<const char*, const char*> questions[] = {
      {"heaviness", "fb_heaviness"},
      {"overall_rating", expert ? "fb_expert_overall" : "fb_overall"},
      {"content_rating", "fb_content"},
      {"setting_safe", "fb_safe"},
      {"comment", "fb_comment"}};
  for (const auto& [field, legend] : questions) {
    auto e = errors.find(field);
    if (e == errors.end()) continue;
    const std::string anchor = std::string(field) == "comment"        ? "comment"
                               : std::string(field) == "setting_safe" ? "setting_safe-yes"
                                                                      : absl::StrCat(field, "-1");
    Data item{Data::type::object};
    item.set("anchor", anchor);
    item.set("text", absl::StrCat(absl::StripSuffix(PageText(legend, lang), " *"), " ", e->second));
    error_list.push_back(item);
  }
  data.set("has_errors", !error_list.is_empty_list());
  data.set("errors", error_list);
  return Page(
      v, status, PageText("feedback_title", lang), Render("feedback.html", v, data), "",
      expert ? "/tasks" : "/orders");
}

Response Pages::SubmitFeedback(const Visit& v, const Request& r) const {
  const std::string& lang = v.language;
  const bool expert = v.who.role == domain::AccessRole::kExpert;
  std::map<std::string, std::string> errors;
  v1::SubmitFeedbackRequest req;
  req.set_parent(Field(r, "assignment"));
  v1::Feedback& f = *req.mutable_feedback();
  f.set_source(expert ? v1::Feedback::SOURCE_EXPERT : v1::Feedback::SOURCE_ORDERER);
  for (const Scale& q : expert ? kExpertScales : kOrdererScales) {
    int value = 0;
    const std::string text = Field(r, q.field);
    if (text.empty() && !q.required) continue;
    if (!absl::SimpleAtoi(text, &value) || value < 1 || value > 5) {
      errors[q.field] = PageText("err_choose", lang);
      continue;
    }
    const std::string field = q.field;
    if (field == "heaviness") f.set_heaviness(value);
    if (field == "overall_rating") f.set_overall_rating(value);
    if (field == "content_rating") f.set_content_rating(value);
  }
  if (expert) {
    const std::string safe = Field(r, "setting_safe");
    if (safe != "yes" && safe != "no") errors["setting_safe"] = PageText("err_choose", lang);
    f.set_setting_safe(safe == "yes");
    const std::string support = Field(r, "support_afterwards");
    f.set_support_afterwards(
        support == "yes"          ? v1::SUPPORT_AFTERWARDS_YES
        : support == "no"         ? v1::SUPPORT_AFTERWARDS_NO
        : support == "not_needed" ? v1::SUPPORT_AFTERWARDS_NOT_NEEDED
                                  : v1::SUPPORT_AFTERWARDS_UNSPECIFIED);
  }
  f.set_comment(Field(r, "comment"));
  if (!errors.empty()) return FeedbackPage(v, r, 400, errors);
  auto orders = v1::OrderService::NewStub(api_);
  v1::SubmitFeedbackResponse resp;
  grpc::Status s = orders->SubmitFeedback(As(v.session_key).get(), req, &resp);
  switch (s.error_code()) {
    case grpc::StatusCode::OK: {
      if (expert) return Redirect("/tasks?done=feedback_thanks");
      const std::string order = OrderOf(req.parent());
      return Redirect(
          absl::StrCat("/orders/", order.substr(order.rfind('/') + 1), "?done=feedback_thanks"));
    }
    case grpc::StatusCode::INVALID_ARGUMENT: {
      const auto refused = Violations(s);
      if (refused.count("feedback.comment")) errors["comment"] = PageText("err_comment", lang);
      if (errors.empty()) return Message(v, 404, "not_found_title", {}, "/", "back");
      return FeedbackPage(v, r, 400, errors);
    }
    case grpc::StatusCode::UNAVAILABLE:
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
    default:
      // Not found, not completed, already given: the page says which.
      return FeedbackPage(v, r, s.error_code() == grpc::StatusCode::NOT_FOUND ? 404 : 409);
  }
}

}  // namespace kokemus::web
