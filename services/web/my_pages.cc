// The expert's own details: when she can work (weekly times, days away, a
// pause), how she wants her messages, her calendar-feed link, and her data
// with who has looked at it. Every change is UpdateExpert as herself with an
// explicit update mask and the etag she saw, so nothing else of her record
// changes and a change made meanwhile elsewhere is not overwritten.
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/field_mask.pb.h"
#include "kokemus/v1/notification_service.grpc.pb.h"
#include "kokemus/v1/registry_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/domain/availability.h"
#include "services/domain/documents.h"
#include "services/domain/listing.h"
#include "services/reference/calendar.h"
#include "services/web/page_support.h"
#include "services/web/page_texts.h"

namespace kokemus::web {
namespace {

absl::Time HelsinkiMidnight(absl::CivilDay day) {
  return absl::FromCivil(day, reference::HelsinkiTimeZone());
}

absl::CivilDay HelsinkiDay(absl::Time t) {
  return absl::ToCivilDay(t, reference::HelsinkiTimeZone());
}

// "2026-12-24" as a person reads it: "24.12.2026".
std::string DayLabel(absl::CivilDay day) {
  return absl::StrCat(day.day(), ".", day.month(), ".", day.year());
}

google::protobuf::Timestamp Stamp(absl::Time t) {
  google::protobuf::Timestamp out;
  out.set_seconds(absl::ToUnixSeconds(t));
  return out;
}

}  // namespace

absl::StatusOr<v1::Expert> Pages::Myself(const Visit& v) const {
  auto registry = v1::RegistryService::NewStub(api_);
  v1::GetExpertRequest req;
  req.set_name(domain::ChildResourceName(v.who.exchange_id, "experts", v.who.expert_id));
  v1::GetExpertResponse resp;
  grpc::Status s = registry->GetExpert(As(v.session_key).get(), req, &resp);
  if (!s.ok()) {
    std::cerr << "web: her record is unavailable: " << s.error_message() << "\n";
    return absl::UnavailableError("her record is unavailable");
  }
  return resp.expert();
}

Response Pages::MyDetailsPage(
    const Visit& v, const Request& r, const std::string& flash, unsigned int status,
    const std::map<std::string, std::string>& errors) const {
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  auto me = Myself(v);
  if (!me.ok()) return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  const bool posted = r.method == "POST" && !errors.empty();
  auto value = [&](const std::string& field, const std::string& stored) {
    return posted ? Field(r, field) : stored;
  };
  Data data{Data::type::object};
  data.set("etag", me->etag());
  // A pause she may take and end; an inactive record is the exchange's to change.
  if (me->state() == v1::Expert::STATE_ACTIVE || me->state() == v1::Expert::STATE_PAUSED) {
    Data pause{Data::type::object};
    pause.set(
        "checked", posted ? Field(r, "paused") == "1" : me->state() == v1::Expert::STATE_PAUSED);
    data.set("pause", pause);
  }
  Data days{Data::type::list};
  for (int d = 1; d <= 7; ++d) {
    domain::DayTimes times;
    for (const v1::WeeklyWindow& w : me->weekly_availability()) {
      if (w.day() == d) times.emplace_back(w.start_minute(), w.end_minute());
    }
    const std::string field = absl::StrCat("day_", d);
    Data day{Data::type::object};
    day.set("field", field);
    day.set("label", PageText(absl::StrCat("weekday_", d), lang));
    day.set("times", value(field, domain::FormatDayTimes(times)));
    if (auto e = errors.find(field); e != errors.end()) day.set("error", e->second);
    days.push_back(day);
  }
  data.set("days", days);
  // Days away that have not ended yet; the ended ones stay as they are.
  const absl::Time now = clock_.Now();
  Data periods{Data::type::list};
  for (int i = 0; i < me->unavailable_periods_size(); ++i) {
    const v1::UnavailablePeriod& p = me->unavailable_periods(i);
    if (FromProto(p.end_time()) <= now) continue;
    Data period{Data::type::object};
    period.set("index", std::to_string(i));
    period.set("from", DayLabel(HelsinkiDay(FromProto(p.start_time()))));
    period.set("to", DayLabel(HelsinkiDay(FromProto(p.end_time()) - absl::Seconds(1))));
    periods.push_back(period);
  }
  data.set("periods", periods);
  data.set("away_from", value("away_from", ""));
  data.set("away_to", value("away_to", ""));
  if (auto e = errors.find("away_from"); e != errors.end()) data.set("away_error", e->second);

  // Her messages: language and channel.
  Data languages{Data::type::list};
  const std::string preferred = me->preferred_language().empty() ? "fi" : me->preferred_language();
  for (const char* code : {"fi", "sv", "en"}) {
    Data o{Data::type::object};
    o.set("value", code);
    o.set("label", LanguageName(code, code));
    o.set("checked", preferred == code);
    languages.push_back(o);
  }
  data.set("message_languages", languages);
  data.set("sms_possible", !me->phone().empty());
  data.set("sms", me->notification_channel() == v1::NOTIFICATION_CHANNEL_SMS);
  data.set("email_channel", me->notification_channel() != v1::NOTIFICATION_CHANNEL_SMS);
  data.set("essential_only", me->essential_messages_only());

  // Her calendar links: when each was made; the address was shown once.
  auto notifications = v1::NotificationService::NewStub(api_);
  v1::ListCalendarFeedsRequest list;
  list.set_parent(me->name());
  v1::ListCalendarFeedsResponse feeds;
  if (!notifications->ListCalendarFeeds(As(v.session_key).get(), list, &feeds).ok()) {
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  Data feed_list{Data::type::list};
  for (const v1::CalendarFeed& f : feeds.calendar_feeds()) {
    Data feed{Data::type::object};
    feed.set("name", f.name());
    feed.set("created", domain::FormatDateTime(FromProto(f.create_time()), lang));
    feed_list.push_back(feed);
  }
  data.set("feeds", feed_list);
  data.set("has_errors", !errors.empty());
  return Page(v, status, PageText("me_title", lang), Render("me.html", v, data), flash, "/me");
}

Response Pages::SaveAvailability(const Visit& v, const Request& r) const {
  const std::string& lang = v.language;
  auto me = Myself(v);
  if (!me.ok()) return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  std::map<std::string, std::string> errors;
  v1::UpdateExpertRequest req;
  v1::Expert& e = *req.mutable_expert();
  e.set_name(me->name());
  e.set_etag(Field(r, "etag"));
  for (int d = 1; d <= 7; ++d) {
    const std::string field = absl::StrCat("day_", d);
    auto times = domain::ParseDayTimes(Field(r, field));
    if (!times.ok()) {
      errors[field] = PageText("err_times", lang);
      continue;
    }
    for (const auto& [start, end] : *times) {
      v1::WeeklyWindow* w = e.add_weekly_availability();
      w->set_day(static_cast<v1::Weekday>(d));
      w->set_start_minute(start);
      w->set_end_minute(end);
    }
  }
  // The periods kept: every one not ticked for removal (ended ones too).
  for (int i = 0; i < me->unavailable_periods_size(); ++i) {
    if (Field(r, absl::StrCat("remove_", i)) == "1") continue;
    *e.add_unavailable_periods() = me->unavailable_periods(i);
  }
  const std::string from = Field(r, "away_from");
  const std::string to = Field(r, "away_to");
  if (!from.empty() || !to.empty()) {
    absl::CivilDay first, last;
    if (!absl::ParseCivilTime(from, &first) ||
        !absl::ParseCivilTime(to.empty() ? from : to, &last) || last < first) {
      errors["away_from"] = PageText("err_away", lang);
    } else {
      v1::UnavailablePeriod* p = e.add_unavailable_periods();
      *p->mutable_start_time() = Stamp(HelsinkiMidnight(first));
      *p->mutable_end_time() = Stamp(HelsinkiMidnight(last + 1));
    }
  }
  std::vector<std::string> mask = {"weekly_availability", "unavailable_periods"};
  if (me->state() == v1::Expert::STATE_ACTIVE || me->state() == v1::Expert::STATE_PAUSED) {
    e.set_state(Field(r, "paused") == "1" ? v1::Expert::STATE_PAUSED : v1::Expert::STATE_ACTIVE);
    mask.push_back("state");
  }
  if (!errors.empty()) return MyDetailsPage(v, r, "", 400, errors);
  for (const std::string& path : mask) req.mutable_update_mask()->add_paths(path);
  return SaveMyself(
      v, r, req,
      {{"expert.weekly_availability", "day_1"}, {"expert.unavailable_periods", "away_from"}});
}

Response Pages::SaveMessagePreferences(const Visit& v, const Request& r) const {
  v1::UpdateExpertRequest req;
  v1::Expert& e = *req.mutable_expert();
  e.set_name(domain::ChildResourceName(v.who.exchange_id, "experts", v.who.expert_id));
  e.set_etag(Field(r, "etag"));
  const std::string language = Field(r, "preferred_language");
  e.set_preferred_language(language == "sv" || language == "en" ? language : "fi");
  e.set_notification_channel(
      Field(r, "channel") == "SMS" ? v1::NOTIFICATION_CHANNEL_SMS : v1::NOTIFICATION_CHANNEL_EMAIL);
  e.set_essential_messages_only(Field(r, "essential_only") == "1");
  for (const char* path :
       {"preferred_language", "notification_channel", "essential_messages_only"}) {
    req.mutable_update_mask()->add_paths(path);
  }
  return SaveMyself(v, r, req, {});
}

Response Pages::SaveMyself(
    const Visit& v, const Request& r, const v1::UpdateExpertRequest& req,
    const std::map<std::string, std::string>& fields) const {
  const std::string& lang = v.language;
  auto registry = v1::RegistryService::NewStub(api_);
  v1::UpdateExpertResponse resp;
  grpc::Status s = registry->UpdateExpert(As(v.session_key).get(), req, &resp);
  switch (s.error_code()) {
    case grpc::StatusCode::OK:
      return Redirect("/me?done=details_saved");
    case grpc::StatusCode::ABORTED:
      // Changed meanwhile (by the coordinator, or in another tab): shown afresh.
      return MyDetailsPage(v, Request{}, PageText("details_changed", lang), 409);
    case grpc::StatusCode::INVALID_ARGUMENT: {
      std::map<std::string, std::string> errors;
      for (const auto& [api_field, why] : Violations(s)) {
        for (const auto& [prefix, field] : fields) {
          if (absl::StartsWith(api_field, prefix)) errors[field] = PageText("err_field", lang);
        }
      }
      if (errors.empty()) {
        std::cerr << "web: her details were refused: " << s.error_message() << "\n";
        return MyDetailsPage(v, Request{}, PageText("not_possible", lang), 400);
      }
      return MyDetailsPage(v, r, "", 400, errors);
    }
    default:
      std::cerr << "web: her details could not be saved: " << s.error_message() << "\n";
      return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
}

Response Pages::CalendarLink(const Visit& v, const Request& r, bool revoke) const {
  const std::string& lang = v.language;
  auto notifications = v1::NotificationService::NewStub(api_);
  const std::string me = domain::ChildResourceName(v.who.exchange_id, "experts", v.who.expert_id);
  if (revoke) {
    v1::RevokeCalendarFeedRequest req;
    req.set_name(Field(r, "feed"));
    v1::RevokeCalendarFeedResponse resp;
    grpc::Status s = notifications->RevokeCalendarFeed(As(v.session_key).get(), req, &resp);
    if (s.error_code() == grpc::StatusCode::NOT_FOUND ||
        s.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
        s.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
      return Message(v, 404, "not_found_title", {}, "/me", "back");
    }
    if (!s.ok()) return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
    return Redirect("/me?done=calendar_revoked");
  }
  v1::CreateCalendarFeedRequest req;
  req.set_parent(me);
  v1::CreateCalendarFeedResponse resp;
  grpc::Status s = notifications->CreateCalendarFeed(As(v.session_key).get(), req, &resp);
  if (!s.ok()) {
    std::cerr << "web: a calendar link could not be made: " << s.error_message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  // Shown this once, on a page that is not kept (no-store is on every page).
  Data data{Data::type::object};
  data.set("url", resp.url());
  return Page(
      v, 200, PageText("calendar_title", lang), Render("calendar_link.html", v, data), "", "/me");
}

Response Pages::MyDataPage(const Visit& v, bool download) const {
  if (v.who.role != domain::AccessRole::kExpert) {
    return Message(v, 404, "not_found_title", {}, "/", "back");
  }
  const std::string& lang = v.language;
  auto registry = v1::RegistryService::NewStub(api_);
  v1::ExportExpertDataRequest req;
  req.set_name(domain::ChildResourceName(v.who.exchange_id, "experts", v.who.expert_id));
  v1::ExportExpertDataResponse resp;
  grpc::Status s = registry->ExportExpertData(As(v.session_key).get(), req, &resp);
  if (!s.ok()) {
    std::cerr << "web: her data is unavailable: " << s.error_message() << "\n";
    return Message(v, 503, "unavailable_title", {PageText("unavailable_text", lang)});
  }
  if (download) {
    return {
        200,
        "application/json; charset=utf-8",
        resp.json(),
        {{"Content-Disposition", "attachment; filename=\"kokemus-my-data.json\""}}};
  }
  const nlohmann::json all = nlohmann::json::parse(resp.json(), nullptr, false);
  Data accesses{Data::type::list};
  if (all.is_object() && all.contains("accesses")) {
    const auto& list = all["accesses"];
    // Others' accesses (hers are her own pages), newest first, the last 100.
    for (auto it = list.rbegin(); it != list.rend() && accesses.list_value().size() < 100; ++it) {
      absl::Time when;
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, it->value("time", ""), &when, &error)) continue;
      const std::string role = it->value("role", "");
      if (role == domain::AccessRoleName(domain::AccessRole::kExpert)) continue;
      const std::string method = it->value("method", "");
      const std::string verb = method.substr(method.rfind('/') + 1);
      Data a{Data::type::object};
      a.set("time", domain::FormatDateTime(when, lang));
      const std::string who_key = absl::StrCat("who_", role);
      std::string who = PageText(who_key, lang);
      a.set("who", who == who_key ? role : who);
      const std::string what_key = absl::StrCat("did_", verb);
      std::string what = PageText(what_key, lang);
      a.set("what", what == what_key ? verb : what);
      a.set("refused", it->value("outcome", "") != "OK");
      accesses.push_back(a);
    }
  }
  Data data{Data::type::object};
  data.set("accesses", accesses);
  data.set("none", accesses.list_value().empty());
  return Page(
      v, 200, PageText("my_data_title", lang), Render("my_data.html", v, data), "", "/me/data");
}

}  // namespace kokemus::web
