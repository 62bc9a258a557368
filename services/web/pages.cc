#include "services/web/pages.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "services/calendar/ics.h"
#include "services/domain/session.h"
#include "services/domain/surveys.h"
#include "services/web/page_support.h"
#include "services/web/page_texts.h"

namespace kokemus {
const std::vector<std::pair<absl::string_view, absl::string_view>>& EmbeddedWebAssets();
}  // namespace kokemus

namespace kokemus::web {
namespace {

constexpr char kSessionKeyName[] = "Web sign-in";

}  // namespace

std::string Asset(absl::string_view name) {
  for (const auto& [file, contents] : EmbeddedWebAssets()) {
    if (file == name) return std::string(contents);
  }
  std::cerr << "web: no asset " << name << "\n";
  return "";
}

Response Redirect(const std::string& to) {
  Response r;
  r.status = 303;
  r.content_type = kText;
  r.body = absl::StrCat("See ", to, "\n");
  r.headers.push_back({"Location", to});
  return r;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

std::string LanguageName(const std::string& code, const std::string& in) {
  struct Name {
    const char* code;
    const char* fi;
    const char* sv;
    const char* en;
  };
  static constexpr Name kNames[] = {
      {"fi", "suomi", "finska", "Finnish"},
      {"sv", "ruotsi", "svenska", "Swedish"},
      {"en", "englanti", "engelska", "English"},
  };
  for (const Name& n : kNames) {
    if (code == n.code) return in == "sv" ? n.sv : in == "en" ? n.en : n.fi;
  }
  return code;
}

std::unique_ptr<grpc::ClientContext> As(const std::string& key) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", absl::StrCat("Bearer ", key));
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

std::string Field(const Request& r, const std::string& name) {
  auto it = r.form.find(name);
  return it == r.form.end() ? "" : std::string(absl::StripAsciiWhitespace(it->second));
}

std::map<std::string, std::string> Violations(const grpc::Status& s) {
  std::map<std::string, std::string> out;
  google::rpc::Status details;
  if (!details.ParseFromString(s.error_details())) return out;
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad;
    if (!any.UnpackTo(&bad)) continue;
    for (const auto& v : bad.field_violations()) out.emplace(v.field(), v.description());
  }
  return out;
}

std::string OrderOf(const std::string& assignment) {
  return assignment.substr(0, assignment.find("/assignments/"));
}

bool FeedbackGiven(const v1::Assignment& a, v1::Feedback::Source source) {
  return std::find(a.feedback_given().begin(), a.feedback_given().end(), source) !=
         a.feedback_given().end();
}

std::string AssignmentStateText(v1::Assignment::State state, const std::string& lang) {
  switch (state) {
    case v1::Assignment::STATE_OFFERED:
      return PageText("assignment_offered", lang);
    case v1::Assignment::STATE_ACCEPTED:
      return PageText("state_accepted", lang);
    case v1::Assignment::STATE_CONFIRMED:
      return PageText("state_confirmed", lang);
    case v1::Assignment::STATE_COMPLETED:
      return PageText("order_completed", lang);
    case v1::Assignment::STATE_CANCELLED:
      return PageText("state_cancelled", lang);
    case v1::Assignment::STATE_AVAILABLE:
      return PageText("state_available", lang);
    default:
      return "";
  }
}

Pages::Pages(
    std::string base_url, PageStores stores, std::shared_ptr<grpc::Channel> api,
    const domain::Clock& clock, domain::RateLimit sign_in_limit, domain::RateLimit survey_limit)
    : base_url_(std::move(base_url)),
      secure_cookies_(domain::CookiesMustBeSecure(base_url_)),
      stores_(stores),
      api_(std::move(api)),
      clock_(clock),
      sign_in_limit_burst_(sign_in_limit.burst),
      sign_in_limiter_(sign_in_limit),
      survey_limit_burst_(survey_limit.burst),
      survey_limiter_(survey_limit) {}

Response Pages::Handle(const Request& r) const {
  const bool get = r.method == "GET" || r.method == "HEAD";
  const bool post = r.method == "POST";
  if (!get && !post) {
    Response out{405, kText, "only GET and POST\n", {{"Allow", "GET, HEAD, POST"}}};
    return out;
  }
  absl::string_view path = r.path;
  if (absl::ConsumePrefix(&path, "/calendar/") && absl::ConsumeSuffix(&path, ".ics")) {
    if (!get) return {405, kText, "only GET\n", {{"Allow", "GET, HEAD"}}};
    return Calendar(std::string(path));
  }
  if (get && r.path == "/static/kokemus.css") {
    return {200, "text/css; charset=utf-8", Asset("kokemus.css"), {}};
  }

  Visit v;
  auto chosen = r.query.find("lang");
  std::string language_choice = domain::CookieValue(r.cookie, domain::kLanguageCookie);
  if (chosen != r.query.end() &&
      (chosen->second == "fi" || chosen->second == "sv" || chosen->second == "en")) {
    language_choice = chosen->second;
    v.cookies.push_back(domain::LanguageCookieHeader(language_choice, secure_cookies_));
  }
  v.language = domain::PageLanguage(language_choice, r.accept_language, "fi");
  const std::string key = domain::CookieValue(r.cookie, domain::kSessionCookie);
  bool session_ended = false;
  if (!key.empty()) {
    auto who = stores_.keys.Authenticate(key, clock_.Now());
    if (who.ok() && (who->role == domain::AccessRole::kExpert ||
                     who->role == domain::AccessRole::kOrdererSystem)) {
      v.signed_in = true;
      v.session_key = key;
      v.who = *who;
    } else {
      session_ended = true;
      v.cookies.push_back(domain::ClearedSessionCookieHeader(secure_cookies_));
    }
  }
  auto finish = [&](Response out) {
    for (const std::string& c : v.cookies) out.headers.push_back({"Set-Cookie", c});
    return out;
  };

  if (r.path == "/") {
    if (!v.signed_in) return finish(Redirect("/signin"));
    return finish(Redirect(v.who.role == domain::AccessRole::kExpert ? "/offers" : "/orders"));
  }
  // Asking for links and signing in with them: limited per client address.
  const bool signing_in = post && (r.path == "/signin" || absl::StartsWith(r.path, "/s/"));
  if (signing_in && sign_in_limit_burst_ > 0 &&
      !sign_in_limiter_.Allow(r.client_address, clock_.Now())) {
    Response out = Message(v, 429, "slow_down_title", {PageText("slow_down_text", v.language)});
    out.headers.push_back({"Retry-After", "60"});
    return finish(out);
  }
  absl::string_view survey = r.path;
  if (absl::ConsumePrefix(&survey, domain::kSurveyPath) && !survey.empty()) {
    if (post && survey_limit_burst_ > 0 && !survey_limiter_.Allow(r.client_address, clock_.Now())) {
      Response out = Message(v, 429, "slow_down_title", {PageText("slow_down_text", v.language)});
      out.headers.push_back({"Retry-After", "10"});
      return finish(out);
    }
    return finish(Survey(v, r, std::string(survey)));
  }
  if (r.path == "/signin") return finish(SignInPage(v, r));
  if (r.path == "/accessibility" && get) return finish(Accessibility(v));
  absl::string_view token = r.path;
  if (absl::ConsumePrefix(&token, "/s/") && !token.empty()) {
    return finish(LinkPage(v, r, std::string(token)));
  }
  bool for_signed_in = r.path == "/signout";
  for (absl::string_view section :
       {"/offers", "/contracts", "/orders", "/tasks", "/feedback", "/me"}) {
    for_signed_in =
        for_signed_in || r.path == section || absl::StartsWith(r.path, absl::StrCat(section, "/"));
  }
  if (for_signed_in && !v.signed_in) {
    return finish(Redirect(session_ended ? "/signin?ended=1" : "/signin"));
  }
  if (post && for_signed_in) {
    auto csrf = r.form.find("csrf");
    if (csrf == r.form.end() || !domain::CsrfTokenMatches(v.session_key, csrf->second)) {
      return finish(Message(
          v, 403, "forbidden_title", {PageText("forbidden_text", v.language)}, "/", "back"));
    }
  }
  if (r.path == "/signout" && post) return finish(SignOut(v, r));
  // What a form just did ("?done=accepted" after its redirect), as the page's flash.
  auto done = [&](std::initializer_list<absl::string_view> known) -> std::string {
    auto it = r.query.find("done");
    if (it == r.query.end()) return "";
    for (absl::string_view k : known) {
      if (it->second == k) return PageText(k, v.language);
    }
    return "";
  };
  if (r.path == "/offers" && get) {
    return finish(OffersPage(v, done({"declined", "available_saved"})));
  }
  if (r.path == "/tasks" && get) {
    return finish(TasksPage(v, done({"accepted", "task_cancelled", "feedback_thanks"})));
  }
  if (r.path == "/feedback") return finish(post ? SubmitFeedback(v, r) : FeedbackPage(v, r));
  if (r.path == "/contracts" && get) return finish(ContractsPage(v, done({"contract_accepted"})));
  if (r.path == "/me" || absl::StartsWith(r.path, "/me/")) {
    if (v.who.role != domain::AccessRole::kExpert) {
      return finish(Message(v, 404, "not_found_title", {}, "/", "back"));
    }
    if (r.path == "/me" && get) {
      return finish(MyDetailsPage(v, r, done({"details_saved", "calendar_revoked"})));
    }
    if (r.path == "/me/availability" && post) return finish(SaveAvailability(v, r));
    if (r.path == "/me/messages" && post) return finish(SaveMessagePreferences(v, r));
    if (r.path == "/me/calendar" && post) return finish(CalendarLink(v, r, false));
    if (r.path == "/me/calendar/revoke" && post) return finish(CalendarLink(v, r, true));
    if (r.path == "/me/data" && get) return finish(MyDataPage(v, false));
    if (r.path == "/me/data.json" && get) return finish(MyDataPage(v, true));
  }
  if (r.path == "/contracts/accept" && post) return finish(AcceptContract(v, r));
  if (r.path == "/tasks/letter.pdf" && get) return finish(EarningsLetter(v));
  if (r.path == "/tasks/audience" && get) return finish(AudiencePage(v));
  if ((r.path == "/tasks/survey.pdf") && get) {
    auto order = r.query.find("order");
    return finish(SurveyCard(v, order == r.query.end() ? "" : order->second));
  }
  if (r.path == "/tasks/cancel" || r.path == "/offers/decline") {
    const bool decline = r.path == "/offers/decline";
    if (post) return finish(decline ? AnswerOffer(v, r, false) : CancelTask(v, r));
    auto named = r.query.find("assignment");
    return finish(ReasonPage(v, named == r.query.end() ? "" : named->second, decline));
  }
  absl::string_view document = r.path;
  if (get && absl::ConsumePrefix(&document, "/contracts/") &&
      absl::ConsumeSuffix(&document, ".pdf") && !document.empty()) {
    return finish(ContractDocument(v, std::string(document)));
  }
  if (r.path == "/orders" && get) return finish(OrdersPage(v, ""));
  if (r.path == "/orders/new") {
    return finish(get ? OrderForm(v, r) : CreateOrder(v, r));
  }
  absl::string_view order = r.path;
  if (absl::ConsumePrefix(&order, "/orders/") && !order.empty()) {
    const bool cancel = absl::ConsumeSuffix(&order, "/cancel");
    if (get && absl::ConsumeSuffix(&order, "/survey.pdf")) {
      return finish(SurveyCard(v, std::string(order)));
    }
    const std::string id(order);
    if (id.find('/') != std::string::npos) {
      return finish(Message(v, 404, "not_found_title", {}, "/", "back"));
    }
    if (cancel && post) return finish(CancelOrder(v, r, id));
    if (get) {
      return finish(
          OrderPage(v, id, done({"order_created", "order_cancelled", "feedback_thanks"}), cancel));
    }
  }
  if (r.path == "/offers/accept" && post) return finish(AnswerOffer(v, r, true));
  return finish(Message(v, 404, "not_found_title", {}, "/", "back"));
}

Response Pages::Calendar(const std::string& token) const {
  auto feed = stores_.feeds.Entries(token, clock_.Now());
  if (absl::IsNotFound(feed.status())) return {404, kText, "no such calendar feed\n", {}};
  if (!feed.ok()) {
    // The path holds a secret: never logged.
    std::cerr << "web: calendar feed unavailable: " << feed.status().message() << "\n";
    return {503, kText, "try again soon\n", {}};
  }
  return {
      200,
      "text/calendar; charset=utf-8",
      calendar::IcsText(feed->entries, calendar::IcsMethod::kPublish, feed->name),
      {}};
}

std::string Pages::Render(const std::string& asset, const Visit& v, Data& data) const {
  Data t{Data::type::object};
  for (const auto& [key, text] : PageTexts(v.language)) t.set(key, text);
  data.set("t", t);
  if (v.signed_in) data.set("csrf", domain::CsrfToken(v.session_key));
  // Parts several pages share, as {{>name}}.
  data.set("task_card", kainjow::mustache::partial([] { return Asset("task_card.html"); }));
  kainjow::mustache::mustache tmpl{Asset(asset)};
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) {
    std::cerr << "web: template " << asset << ": " << tmpl.error_message() << "\n";
    return "";
  }
  return out;
}

Response Pages::Page(
    const Visit& v, unsigned int status, const std::string& title, const std::string& content,
    const std::string& flash, const std::string& current) const {
  Data data{Data::type::object};
  data.set("lang", v.language);
  data.set("title", title);
  data.set("content", content);
  if (!flash.empty()) data.set("flash", flash);
  Data languages{Data::type::list};
  for (const char* code : {"fi", "sv", "en"}) {
    Data l{Data::type::object};
    l.set("code", code);
    l.set("name", LanguageName(code, code));
    l.set("current", v.language == code);
    languages.push_back(l);
  }
  data.set("languages", languages);
  data.set("signed_in", v.signed_in);
  if (v.signed_in) {
    Data menu{Data::type::list};
    std::vector<std::pair<const char*, const char*>> items;
    if (v.who.role == domain::AccessRole::kExpert) {
      items = {
          {"/offers", "offers_menu"},
          {"/tasks", "tasks_menu"},
          {"/contracts", "contracts_menu"},
          {"/me", "me_menu"}};
    } else {
      items = {{"/orders", "orders_menu"}, {"/orders/new", "new_order_menu"}};
    }
    for (const auto& [href, label] : items) {
      Data item{Data::type::object};
      item.set("href", href);
      item.set("label", PageText(label, v.language));
      item.set("current", current == href);
      menu.push_back(item);
    }
    data.set("menu", menu);
  }
  return {status, kHtml, Render("layout.html", v, data), {}};
}

Response Pages::Message(
    const Visit& v, unsigned int status, const std::string& title_key,
    const std::vector<std::string>& paragraphs, const std::string& link_href,
    const std::string& link_key) const {
  Data data{Data::type::object};
  Data list{Data::type::list};
  for (const std::string& p : paragraphs) list.push_back(p);
  data.set("paragraphs", list);
  if (!link_href.empty()) {
    Data link{Data::type::object};
    link.set("href", link_href);
    link.set("label", PageText(link_key, v.language));
    data.set("link", link);
  }
  return Page(v, status, PageText(title_key, v.language), Render("message.html", v, data));
}

Response Pages::SignInPage(const Visit& v, const Request& r) const {
  Data data{Data::type::object};
  std::string flash;
  if (r.query.count("ended")) flash = PageText("session_ended", v.language);
  if (r.query.count("signed_out")) flash = PageText("signed_out", v.language);
  if (r.method == "POST") {
    auto email = r.form.find("email");
    const std::string address =
        email == r.form.end() ? "" : std::string(absl::StripAsciiWhitespace(email->second));
    if (address.find('@') == std::string::npos || address.size() > 254) {
      data.set("email", address);
      data.set("error", PageText("email_missing", v.language));
      return Page(v, 400, PageText("signin_title", v.language), Render("signin.html", v, data));
    }
    // The same answer whether or not anyone has the address.
    if (absl::Status s = stores_.outbox.RequestSignInLink(address, clock_.Now()); !s.ok()) {
      std::cerr << "web: a sign-in link could not be queued: " << s.message() << "\n";
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
    }
    return Message(v, 200, "sent_title", {PageText("sent_text", v.language)});
  }
  data.set("email", "");
  return Page(v, 200, PageText("signin_title", v.language), Render("signin.html", v, data), flash);
}

Response Pages::LinkPage(const Visit& v, const Request& r, const std::string& token) const {
  const absl::Time now = clock_.Now();
  auto refused = [&](const absl::Status& s) {
    const std::string reason = absl::StrContains(s.message(), "used")      ? "link_used"
                               : absl::StrContains(s.message(), "expired") ? "link_expired"
                                                                           : "link_invalid";
    return Message(
        v, absl::IsUnavailable(s) ? 503 : 410, "link_title", {PageText(reason, v.language)},
        "/signin", "new_link");
  };
  if (r.method != "POST") {
    // Opening the link spends nothing (mail scanners open links too).
    if (absl::Status s = stores_.links.Check(token, now); !s.ok()) return refused(s);
    Data data{Data::type::object};
    data.set("token", token);
    return Page(v, 200, PageText("link_title", v.language), Render("link.html", v, data));
  }
  auto grant = stores_.links.Redeem(token, now);
  if (!grant.ok()) return refused(grant.status());
  storage::ApiKey session;
  session.display_name = kSessionKeyName;
  session.principal = grant->principal;
  session.principal.key_id.clear();
  session.expire_time = now + domain::kSessionLifetime;
  session.idle_timeout = domain::kSessionIdleTimeout;
  auto made = stores_.keys.Create(session, now);
  if (!made.ok()) {
    std::cerr << "web: a session could not be made: " << made.status().message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
  }
  Response out = Redirect("/");
  out.headers.push_back(
      {"Set-Cookie", domain::SessionCookieHeader(made->plaintext, secure_cookies_)});
  return out;
}

Response Pages::SignOut(const Visit& v, const Request&) const {
  if (auto revoked = stores_.keys.Revoke(v.who.key_id, clock_.Now()); !revoked.ok()) {
    std::cerr << "web: a session could not be ended: " << revoked.status().message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", v.language)});
  }
  Response out = Redirect("/signin?signed_out=1");
  out.headers.push_back({"Set-Cookie", domain::ClearedSessionCookieHeader(secure_cookies_)});
  return out;
}

Response Pages::Accessibility(const Visit& v) const {
  return Message(
      v, 200, "a11y_title",
      {PageText("a11y_1", v.language), PageText("a11y_2", v.language),
       PageText("a11y_3", v.language)});
}

}  // namespace kokemus::web
