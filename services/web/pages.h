// The self-service pages (issue: experts answer offers without a CLI):
// sign-in by link, then the signed-in person's pages, rendered on the server
// with mustache in Finnish, Swedish or English, working without JavaScript.
// A spent link becomes a session key of the person's role (domain/session.h)
// and every page calls the API with it over the server's in-process channel,
// so the access rules, audit records and limits are the API's own.
//
//   Pages pages({"https://kokemus.example.fi/"}, stores, channel, clock);
//   Response r = pages.Handle(request);   // routing without the network
#ifndef KOKEMUS_SERVICES_WEB_PAGES_H_
#define KOKEMUS_SERVICES_WEB_PAGES_H_

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "kokemus/v1/order.pb.h"
#include "kokemus/v1/registry_service.pb.h"
#include "services/domain/clock.h"
#include "services/domain/rate_limit.h"
#include "services/storage/calendar_feed_store.h"
#include "services/storage/key_store.h"
#include "services/storage/outbox_store.h"
#include "services/storage/sign_in_store.h"
#include "services/storage/survey_store.h"

namespace kainjow::mustache {
template <typename StringType>
class basic_data;
}  // namespace kainjow::mustache

namespace kokemus::web {

struct Request {
  std::string method;  // GET, HEAD or POST
  std::string path;
  std::map<std::string, std::string> query;  // ?lang=sv
  std::map<std::string, std::string> form;   // a POST's fields; a repeated one "a,b"
  std::string cookie;                        // the Cookie header
  std::string accept_language;
  std::string client_address;  // "127.0.0.1": whom the per-address limits count
};

struct Response {
  unsigned int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Location, Set-Cookie
};

// What the pages read and write besides the API.
struct PageStores {
  storage::SignInStore& links;
  storage::KeyStore& keys;
  storage::OutboxStore& outbox;
  storage::CalendarFeedStore& feeds;
  storage::SurveyStore& surveys;
};

class Pages final {
 public:
  // `base_url`: where the pages are reached ("https://kokemus.example.fi/");
  // cookies are Secure unless it is plaintext on this machine.
  // `sign_in_limit`: link requests and link sign-ins per client address
  // (beside the limit of links to one e-mail address); burst 0: none.
  Pages(
      std::string base_url, PageStores stores, std::shared_ptr<grpc::Channel> api,
      const domain::Clock& clock, domain::RateLimit sign_in_limit = kSignInLimit,
      domain::RateLimit survey_limit = kSurveyLimit);
  // 30 at once, then one every 6 seconds: a school's shared address signs
  // in its staff, a script guessing addresses or links is slowed down.
  static constexpr domain::RateLimit kSignInLimit = {.per_second = 1.0 / 6, .burst = 30};
  // Survey answers per client address: a class of 300 behind one school
  // address answers within a minute, a script is slowed to 5 a second.
  static constexpr domain::RateLimit kSurveyLimit = {.per_second = 5, .burst = 300};
  Response Handle(const Request& request) const;

 private:
  struct Visit;  // one request: its language, session, cookies to set
  Response SignInPage(const Visit& v, const Request& r) const;
  Response LinkPage(const Visit& v, const Request& r, const std::string& token) const;
  Response SignOut(const Visit& v, const Request& r) const;
  Response OffersPage(const Visit& v, const std::string& flash, unsigned int status = 200) const;
  Response AnswerOffer(const Visit& v, const Request& r, bool accept) const;
  // Her coming tasks and those done in the last year, with their feedback links.
  Response TasksPage(const Visit& v, const std::string& flash) const;
  // The signed-in expert's assignments in `state` ("CONFIRMED").
  absl::StatusOr<std::vector<v1::Assignment>> MyAssignments(
      const Visit& v, const char* state) const;
  // The signed-in expert's assignments in `states` that are `shown` (all
  // when it is empty), each with its order (read only for those).
  absl::StatusOr<std::vector<std::pair<v1::Assignment, v1::Order>>> ExpertAssignments(
      const Visit& v, std::initializer_list<const char*> states,
      const std::function<bool(const v1::Assignment&)>& shown = {}) const;
  // Feedback on a completed task: the expert's reflection or the orderer's
  // rating, by the signed-in person's role; `errors` by form field.
  Response FeedbackPage(
      const Visit& v, const Request& r, unsigned int status = 200,
      const std::map<std::string, std::string>& errors = {}) const;
  Response SubmitFeedback(const Visit& v, const Request& r) const;
  // The expert's own details (my_pages.cc): availability, messages and
  // calendar links; re-shown with `errors` by form field after a refused save.
  Response MyDetailsPage(
      const Visit& v, const Request& r, const std::string& flash, unsigned int status = 200,
      const std::map<std::string, std::string>& errors = {}) const;
  absl::StatusOr<v1::Expert> Myself(const Visit& v) const;
  Response SaveAvailability(const Visit& v, const Request& r) const;
  Response SaveMessagePreferences(const Visit& v, const Request& r) const;
  // UpdateExpert as herself; the API's refusals of `fields` (API field
  // prefix → form field) are shown at the form's fields.
  Response SaveMyself(
      const Visit& v, const Request& r, const v1::UpdateExpertRequest& req,
      const std::map<std::string, std::string>& fields) const;
  // A new calendar-feed link, shown once; or (`revoke`) one ended.
  Response CalendarLink(const Visit& v, const Request& r, bool revoke) const;
  // Her data: the accesses to her record, or (`download`) the whole export.
  Response MyDataPage(const Visit& v, bool download) const;
  // The expert's contracts; `failed` names the one whose acceptance failed
  // with `error` at its name field, keeping what was `typed`.
  Response ContractsPage(
      const Visit& v, const std::string& flash, unsigned int status = 200,
      const std::string& failed = "", const std::string& typed = "",
      const std::string& error = "") const;
  Response ContractDocument(const Visit& v, const std::string& id) const;
  // Her letter for her benefit payer (RenderEarningsLetter), in the page's
  // language.
  Response EarningsLetter(const Visit& v) const;
  // The page with the optional reasons before she declines an offer
  // (`decline`) or cancels one of her held tasks; the POST is AnswerOffer or
  // CancelTask.
  Response ReasonPage(
      const Visit& v, const std::string& assignment, bool decline, unsigned int status = 200) const;
  Response CancelTask(const Visit& v, const Request& r) const;
  Response AcceptContract(const Visit& v, const Request& r) const;
  Response OrdersPage(const Visit& v, const std::string& flash) const;
  // The new-order form, filled with what `r` posted and each field's error.
  Response OrderForm(
      const Visit& v, const Request& r, unsigned int status = 200,
      const std::map<std::string, std::string>& errors = {}) const;
  Response CreateOrder(const Visit& v, const Request& r) const;
  // An order; with `confirm_cancel`, what cancelling it costs and the button.
  Response OrderPage(
      const Visit& v, const std::string& id, const std::string& flash,
      bool confirm_cancel = false) const;
  Response CancelOrder(const Visit& v, const Request& r, const std::string& id) const;
  Response Accessibility(const Visit& v) const;
  // A task's audience survey at /k/{code} (survey_pages.cc): the form, or
  // (POST) the answer stored and this browser marked as answered.
  Response Survey(const Visit& v, const Request& r, const std::string& code) const;
  // The printable card of a task's survey (its QR code and link) for the
  // signed-in expert on it or the orderer's contact, in the page's language.
  Response SurveyCard(const Visit& v, const std::string& order_id) const;
  // The expert's audiences' answers over the last year, small groups left out.
  Response AudiencePage(const Visit& v) const;
  Response Calendar(const std::string& token) const;
  Response Message(
      const Visit& v, unsigned int status, const std::string& title_key,
      const std::vector<std::string>& paragraphs, const std::string& link_href = "",
      const std::string& link_key = "") const;
  // The page `content` (rendered) in the layout.
  Response Page(
      const Visit& v, unsigned int status, const std::string& title, const std::string& content,
      const std::string& flash = "", const std::string& current = "") const;
  std::string Render(
      const std::string& asset, const Visit& v,
      kainjow::mustache::basic_data<std::string>& data) const;

  const std::string base_url_;
  const bool secure_cookies_;
  PageStores stores_;
  std::shared_ptr<grpc::Channel> api_;
  const domain::Clock& clock_;
  const double sign_in_limit_burst_;             // 0: no limit
  mutable domain::RateLimiter sign_in_limiter_;  // thread-safe
  const double survey_limit_burst_;              // 0: no limit
  mutable domain::RateLimiter survey_limiter_;   // per client address, in memory only
};

}  // namespace kokemus::web

#endif  // KOKEMUS_SERVICES_WEB_PAGES_H_
