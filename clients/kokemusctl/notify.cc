// notify list|show|resend, notify settings, notify events; webhook
// create|list|delete; feed create|list|revoke; message-template
// list|show|set|reset.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "clients/kokemusctl/commands.h"
#include "clients/kokemusctl/proto_flags.h"

namespace kokemus::cli {
namespace {

using N = v1::NotificationService::Stub;

std::string MessageName(const Session& s, const std::string& id) {
  if (absl::StartsWith(id, "exchanges/")) return id;
  return absl::StrCat(s.Parent(), "/messages/", id);
}

int List(Session& s) {
  v1::ListMessagesRequest req;
  req.set_parent(s.Parent());
  std::vector<std::string> terms;
  if (auto state = s.TakeFlag("state")) {
    terms.push_back(absl::StrCat("state=", absl::AsciiStrToUpper(*state)));
  }
  if (auto kind = s.TakeFlag("kind")) {
    terms.push_back(absl::StrCat("kind=", absl::AsciiStrToUpper(*kind)));
  }
  if (auto about = s.TakeFlag("about")) {
    // ORDER/ASSIGNMENT stands for the assignment's name.
    std::vector<std::string> parts = absl::StrSplit(*about, '/');
    if (parts.size() != 2 && !absl::StartsWith(*about, "exchanges/")) {
      throw UsageError{"--about must be ORDER/ASSIGNMENT or a resource name"};
    }
    terms.push_back(absl::StrCat(
        "resource=",
        absl::StartsWith(*about, "exchanges/")
            ? *about
            : absl::StrCat(s.Parent(), "/orders/", parts[0], "/assignments/", parts[1])));
  }
  req.set_filter(absl::StrJoin(terms, " AND "));
  if (auto limit = s.TakeFlag("page-size")) req.set_page_size(IntFlag("page-size", *limit));
  s.RequireNoMoreFlags();
  return s.List(
      &N::ListMessages, req, "messages",
      {"name", "create_time", "kind", "recipient", "state", "attempts", "last_error"});
}

int Settings(Session& s) {
  v1::GetNotificationSettingsRequest get;
  get.set_name(absl::StrCat(s.Parent(), "/notificationSettings"));
  v1::UpdateNotificationSettingsRequest update;
  v1::NotificationSettings* settings = update.mutable_notification_settings();
  settings->set_name(get.name());
  if (auto hours = s.TakeFlag("task-reminder-hours")) {
    // "none" or "" turns task reminders off.
    if (*hours != "none" && !hours->empty()) {
      for (absl::string_view h : absl::StrSplit(*hours, ',')) {
        settings->add_task_reminder_hours(IntFlag("task-reminder-hours", std::string(h)));
      }
    }
    update.mutable_update_mask()->add_paths("task_reminder_hours");
  }
  if (auto hours = s.TakeFlag("offer-reminder-hours")) {
    settings->set_offer_reminder_hours(IntFlag("offer-reminder-hours", *hours));
    update.mutable_update_mask()->add_paths("offer_reminder_hours");
  }
  if (auto sender = s.TakeFlag("sender-address")) {
    settings->set_sender_address(*sender);
    update.mutable_update_mask()->add_paths("sender_address");
  }
  if (auto hours = s.TakeFlag("quiet-hours")) {
    // "21-8"; "none" turns them off (equal hours).
    std::vector<std::string> parts = absl::StrSplit(*hours, '-');
    if (*hours == "none") parts = {"0", "0"};
    if (parts.size() != 2)
      throw UsageError{"--quiet-hours must be FROM-UNTIL such as 21-8, or none"};
    settings->set_quiet_from_hour(IntFlag("quiet-hours", parts[0]));
    settings->set_quiet_until_hour(IntFlag("quiet-hours", parts[1]));
    update.mutable_update_mask()->add_paths("quiet_from_hour");
    update.mutable_update_mask()->add_paths("quiet_until_hour");
  }
  if (auto days = s.TakeFlag("key-warning-days")) {
    settings->set_key_warning_days(IntFlag("key-warning-days", *days));
    update.mutable_update_mask()->add_paths("key_warning_days");
  }
  s.RequireNoMoreFlags();
  if (update.update_mask().paths().empty()) return s.Show(&N::GetNotificationSettings, get);
  if (!s.command().etag.empty()) settings->set_etag(s.command().etag);
  return s.Show(&N::UpdateNotificationSettings, update);
}

// The exchange's events after --after: what is there now (one short watch),
// or with --follow every event as it comes, until interrupted.
int Events(Session& s) {
  v1::WatchEventsRequest req;
  req.set_parent(s.Parent());
  req.set_after(s.TakeFlag("after").value_or(""));
  const bool follow = s.command().follow;
  s.RequireNoMoreFlags();
  const std::vector<std::string> columns = {
      "cursor", "kind", "assignment", "assignment_state", "time"};
  v1::WatchEventsResponse all;
  do {
    auto ctx = s.Context();
    // A watch ends a second before its deadline: 2 s shows what is there.
    if (!follow) ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
    auto reader = s.stub<N>().WatchEvents(ctx.get(), req);
    v1::WatchEventsResponse response;
    while (reader->Read(&response)) {
      if (response.events().empty()) continue;
      req.set_after(response.events(response.events_size() - 1).cursor());
      if (follow) {
        s.Print(response, [&] { s.Table(response, "events", columns); });
        s.out().flush();
      } else {
        all.MergeFrom(response);
      }
    }
    if (grpc::Status status = reader->Finish(); !status.ok()) throw RpcFailed{std::move(status)};
  } while (follow);
  return s.Print(all, [&] { s.Table(all, "events", columns); });
}

// The person a feed is for: --expert E or --organization O.
std::string FeedPerson(Session& s) {
  const auto expert = s.TakeFlag("expert");
  const auto organization = s.TakeFlag("organization");
  if (expert.has_value() == organization.has_value()) {
    throw UsageError{"feed needs --expert E or --organization O"};
  }
  return expert ? absl::StrCat(s.Parent(), "/experts/", *expert)
                : absl::StrCat(s.Parent(), "/organizations/", *organization);
}

// A message template as a person reads it: its text as written, then as a
// recipient would see it with made-up facts.
void PrintTemplate(const v1::MessageTemplate& t, std::ostream& out) {
  out << "name: " << t.name() << "\n"
      << "customized: " << (t.customized() ? "yes" : "no (Kokemus's wording)") << "\n"
      << "variables: " << absl::StrJoin(t.variables(), ", ") << "\n"
      << "required: " << absl::StrJoin(t.required_variables(), ", ") << "\n"
      << "subject: " << t.subject() << "\n"
      << "--- body ---\n"
      << t.body() << (absl::EndsWith(t.body(), "\n") ? "" : "\n") << "--- preview ---\n"
      << "Subject: " << t.preview_subject() << "\n\n"
      << t.preview_body();
}

}  // namespace

// message-template list [--language L]; show|reset ID; set ID [--subject S]
// [--file BODY] [--validate-only true].
int MessageTemplateCommand(Session& s) {
  if (s.verb() == "list") {
    v1::ListMessageTemplatesRequest req;
    req.set_parent(s.Parent());
    const auto language = s.TakeFlag("language");
    s.RequireNoMoreFlags();
    v1::ListMessageTemplatesResponse all = s.Call(&N::ListMessageTemplates, req);
    if (language) {
      auto* list = all.mutable_message_templates();
      list->erase(
          std::remove_if(
              list->begin(), list->end(),
              [&](const v1::MessageTemplate& t) { return t.language() != *language; }),
          list->end());
    }
    return s.Print(all, [&] {
      s.Table(all, "message_templates", {"name", "customized", "subject"});
    });
  }
  const std::string name = s.NameIn("messageTemplates");
  if (s.verb() == "show" || s.verb() == "reset") {
    s.RequireNoMoreFlags();
    if (s.verb() == "show") {
      v1::GetMessageTemplateRequest req;
      req.set_name(name);
      v1::GetMessageTemplateResponse got = s.Call(&N::GetMessageTemplate, req);
      return s.Print(got, [&] { PrintTemplate(got.message_template(), s.out()); });
    }
    v1::ResetMessageTemplateRequest req;
    req.set_name(name);
    v1::ResetMessageTemplateResponse reset = s.Call(&N::ResetMessageTemplate, req);
    return s.Print(reset, [&] { PrintTemplate(reset.message_template(), s.out()); });
  }
  if (s.verb() == "set") {
    v1::UpdateMessageTemplateRequest req;
    v1::MessageTemplate* t = req.mutable_message_template();
    t->set_name(name);
    if (auto subject = s.TakeFlag("subject")) {
      t->set_subject(*subject);
      req.mutable_update_mask()->add_paths("subject");
    }
    if (auto file = s.TakeFlag("file")) {
      t->set_body(ReadFlagFile(*file, "file"));
      req.mutable_update_mask()->add_paths("body");
    }
    if (auto only = s.TakeFlag("validate-only")) req.set_validate_only(*only != "false");
    s.RequireNoMoreFlags();
    if (req.update_mask().paths().empty()) {
      throw UsageError{"message-template set needs --subject S and/or --file BODY"};
    }
    v1::UpdateMessageTemplateResponse set = s.Call(&N::UpdateMessageTemplate, req);
    return s.Print(set, [&] {
      PrintTemplate(set.message_template(), s.out());
      if (req.validate_only()) s.err() << "(checked only: nothing was stored)\n";
    });
  }
  throw UsageError{"message-template verbs: list, show, set, reset"};
}

int WebhookCommand(Session& s) {
  if (s.verb() == "create") {
    v1::CreateWebhookRequest req;
    req.set_parent(s.Parent());
    const auto url = s.TakeFlag("url");
    if (!url) throw UsageError{"webhook create needs --url"};
    req.mutable_webhook()->set_url(*url);
    if (auto org = s.TakeFlag("organization")) {
      req.mutable_webhook()->set_organization(absl::StrCat(s.Parent(), "/organizations/", *org));
    }
    s.RequireNoMoreFlags();
    const v1::CreateWebhookResponse made = s.Call(&N::CreateWebhook, req);
    return s.Print(made, [&] {
      PrintResource(made.webhook(), s.out());
      s.out() << "secret: " << made.secret() << "\n";
      s.err() << "(the secret is shown this once: give it to the receiver to check signatures)\n";
    });
  }
  if (s.verb() == "list") {
    s.RequireNoMoreFlags();
    v1::ListWebhooksRequest req;
    req.set_parent(s.Parent());
    const v1::ListWebhooksResponse hooks = s.Call(&N::ListWebhooks, req);
    return s.Print(hooks, [&] {
      s.Table(
          hooks, "webhooks", {"name", "url", "organization", "cursor", "failures", "last_error"});
    });
  }
  if (s.verb() == "delete") {
    v1::DeleteWebhookRequest req;
    req.set_name(s.NameIn("webhooks"));
    s.RequireNoMoreFlags();
    return s.Show(&N::DeleteWebhook, req);
  }
  throw UsageError{"webhook verbs: create, list, delete"};
}

int FeedCommand(Session& s) {
  if (s.verb() == "create") {
    v1::CreateCalendarFeedRequest req;
    req.set_parent(FeedPerson(s));
    s.RequireNoMoreFlags();
    const v1::CreateCalendarFeedResponse made = s.Call(&N::CreateCalendarFeed, req);
    return s.Print(made, [&] {
      PrintResource(made.calendar_feed(), s.out());
      s.out() << "url: " << made.url() << "\n";
      s.err() << "(the address is shown this once: add it to the calendar as a subscription)\n";
    });
  }
  if (s.verb() == "list") {
    v1::ListCalendarFeedsRequest req;
    req.set_parent(FeedPerson(s));
    s.RequireNoMoreFlags();
    const v1::ListCalendarFeedsResponse feeds = s.Call(&N::ListCalendarFeeds, req);
    return s.Print(feeds, [&] { s.Table(feeds, "calendar_feeds", {"name", "create_time"}); });
  }
  if (s.verb() == "revoke") {
    v1::RevokeCalendarFeedRequest req;
    req.set_name(s.RequireId());
    s.RequireNoMoreFlags();
    return s.Show(&N::RevokeCalendarFeed, req);
  }
  throw UsageError{"feed verbs: create, list, revoke"};
}

int NotifyCommand(Session& s) {
  if (s.verb() == "events") return Events(s);
  if (s.verb() == "list") return List(s);
  if (s.verb() == "settings") return Settings(s);
  if (s.verb() == "show" || s.verb() == "resend") {
    const std::string name = MessageName(s, s.RequireId());
    s.RequireNoMoreFlags();
    if (s.verb() == "show") {
      v1::GetMessageRequest req;
      req.set_name(name);
      return s.Show(&N::GetMessage, req);
    }
    v1::ResendMessageRequest req;
    req.set_name(name);
    return s.Show(&N::ResendMessage, req);
  }
  throw UsageError{"notify verbs: list, show, resend, settings, events"};
}

}  // namespace kokemus::cli
