#include "services/rpc/notification_service.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/domain/events.h"
#include "services/domain/listing.h"
#include "services/domain/notifications.h"
#include "services/domain/sign_in.h"
#include "services/domain/validation.h"
#include "services/rpc/convert.h"
#include "services/storage/secret_token.h"

namespace kokemus::rpc {
namespace {

constexpr char kSettingsSuffix[] = "/notificationSettings";

v1::Message ToProto(const storage::OutboxMessage& m, bool with_body) {
  v1::Message p;
  p.set_name(domain::ChildResourceName(m.exchange_id, "messages", m.id));
  p.set_kind(static_cast<v1::Message::Kind>(domain::MessageKindFromName(m.kind)));
  p.set_resource(m.resource);
  p.set_recipient_kind(
      m.recipient_kind == "ORDERER"       ? v1::Message::RECIPIENT_KIND_ORDERER
      : m.recipient_kind == "COORDINATOR" ? v1::Message::RECIPIENT_KIND_COORDINATOR
                                          : v1::Message::RECIPIENT_KIND_EXPERT);
  p.set_channel(m.channel == "SMS" ? v1::NOTIFICATION_CHANNEL_SMS : v1::NOTIFICATION_CHANNEL_EMAIL);
  p.set_recipient(m.recipient);
  p.set_language(m.language);
  p.set_subject(m.subject);
  if (with_body) p.set_body(m.body);
  p.set_has_calendar_entry(!m.attachment.empty());
  p.set_state(
      m.state == "SENT"   ? v1::Message::STATE_SENT
      : m.state == "DEAD" ? v1::Message::STATE_DEAD
                          : v1::Message::STATE_PENDING);
  p.set_attempts(m.attempts);
  p.set_last_error(m.last_error);
  *p.mutable_create_time() = rpc::ToProto(m.create_time);
  *p.mutable_send_after() = rpc::ToProto(m.not_before);
  if (m.sent_time != absl::UnixEpoch()) *p.mutable_send_time() = rpc::ToProto(m.sent_time);
  return p;
}

absl::StatusOr<std::string> SettingsExchange(absl::string_view name, absl::string_view field) {
  if (!absl::ConsumeSuffix(&name, kSettingsSuffix)) {
    return domain::InvalidField(
        std::string(field), "must be exchanges/{exchange}/notificationSettings");
  }
  return domain::ParseExchangeName(name, field);
}

v1::NotificationSettings SettingsToProto(
    const std::string& exchange_id, const domain::NotificationSettings& s, int64_t revision) {
  v1::NotificationSettings p;
  p.set_name(absl::StrCat(domain::ExchangeName(exchange_id), kSettingsSuffix));
  for (int h : s.task_reminder_hours) p.add_task_reminder_hours(h);
  p.set_offer_reminder_hours(s.offer_reminder_hours);
  p.set_key_warning_days(s.key_warning_days);
  p.set_quiet_from_hour(s.quiet_hours.from_hour);
  p.set_quiet_until_hour(s.quiet_hours.until_hour);
  p.set_sender_address(s.sender_address);
  p.set_etag(domain::FormatEtag(revision));
  return p;
}

v1::MessageTemplate TemplateToProto(
    const std::string& exchange_id, const storage::StoredMessageTemplate& stored) {
  const domain::MessageTemplate& t = stored.wording;
  v1::MessageTemplate p;
  p.set_name(domain::ChildResourceName(
      exchange_id, "messageTemplates", domain::MessageTemplateId(t.kind, t.to, t.language)));
  p.set_kind(static_cast<v1::Message::Kind>(t.kind));
  p.set_recipient_kind(
      t.to == domain::Recipient::kOrderer       ? v1::Message::RECIPIENT_KIND_ORDERER
      : t.to == domain::Recipient::kCoordinator ? v1::Message::RECIPIENT_KIND_COORDINATOR
                                                : v1::Message::RECIPIENT_KIND_EXPERT);
  p.set_language(t.language);
  p.set_subject(t.subject);
  p.set_body(t.body);
  for (const std::string& v : domain::MessageVariables(t.kind, t.to)) p.add_variables(v);
  for (const std::string& v : domain::RequiredMessageVariables(t.kind, t.to)) {
    p.add_required_variables(v);
  }
  p.set_customized(stored.customized);
  if (auto preview = domain::PreviewMessage(t); preview.ok()) {
    p.set_preview_subject(preview->subject);
    p.set_preview_body(preview->body);
  }
  if (stored.customized) *p.mutable_update_time() = rpc::ToProto(stored.update_time);
  return p;
}

}  // namespace

grpc::Status NotificationService::ListMessages(
    grpc::ServerContext* context, const v1::ListMessagesRequest* request,
    v1::ListMessagesResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/ListMessages", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        auto query = domain::ParseListQuery(
            request->parent(), "messages", request->page_size(), request->page_token(),
            request->filter(), storage::MessageFilterFields());
        if (!query.ok()) return query.status();
        auto page = outbox_.List(*exchange_id, *query);
        if (!page.ok()) return page.status();
        for (const storage::OutboxMessage& m : page->items) {
          *response->add_messages() = ToProto(m, /*with_body=*/false);
        }
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::GetMessage(
    grpc::ServerContext* context, const v1::GetMessageRequest* request,
    v1::GetMessageResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/GetMessage", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "messages", "name");
        if (!name.ok()) return name.status();
        auto message = outbox_.Get(name->exchange_id, name->id);
        if (!message.ok()) return message.status();
        *response->mutable_message() = ToProto(*message, /*with_body=*/true);
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::ResendMessage(
    grpc::ServerContext* context, const v1::ResendMessageRequest* request,
    v1::ResendMessageResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/ResendMessage", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "messages", "name");
        if (!name.ok()) return name.status();
        auto copy = outbox_.Resend(name->exchange_id, name->id, caller.now());
        if (!copy.ok()) return copy.status();
        if (resent_) resent_();
        *response->mutable_message() = ToProto(*copy, /*with_body=*/false);
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::GetNotificationSettings(
    grpc::ServerContext* context, const v1::GetNotificationSettingsRequest* request,
    v1::GetNotificationSettingsResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/GetNotificationSettings", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = SettingsExchange(request->name(), "name");
        if (!exchange_id.ok()) return exchange_id.status();
        int64_t revision = 0;
        auto settings = outbox_.GetSettings(*exchange_id, &revision);
        if (!settings.ok()) return settings.status();
        *response->mutable_notification_settings() =
            SettingsToProto(*exchange_id, *settings, revision);
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::UpdateNotificationSettings(
    grpc::ServerContext* context, const v1::UpdateNotificationSettingsRequest* request,
    v1::UpdateNotificationSettingsResponse* response) {
  const v1::NotificationSettings& in = request->notification_settings();
  return guard_.Run(
      context, *request, "NotificationService/UpdateNotificationSettings",
      "notification_settings.name", in.name(), [&](Caller& caller) -> absl::Status {
        auto exchange_id = SettingsExchange(in.name(), "notification_settings.name");
        if (!exchange_id.ok()) return exchange_id.status();
        auto expected = domain::ParseEtag(in.etag());
        if (!expected.ok()) {
          return domain::WithFieldPrefix(expected.status(), "notification_settings");
        }
        // AIP-134: an empty mask means the fields that are set; `*` all.
        static const std::set<std::string> kFields = {"task_reminder_hours", "offer_reminder_hours",
                                                      "key_warning_days",    "quiet_from_hour",
                                                      "quiet_until_hour",    "sender_address"};
        std::set<std::string> paths;
        for (const std::string& path : request->update_mask().paths()) {
          if (path == "*") {
            paths = kFields;
            break;
          }
          if (kFields.count(path) == 0) {
            return domain::InvalidField(
                "update_mask", absl::StrCat(
                                   "unknown field \"", path,
                                   "\"; the fields are task_reminder_hours, "
                                   "offer_reminder_hours, key_warning_days, quiet_from_hour, "
                                   "quiet_until_hour and sender_address"));
          }
          paths.insert(path);
        }
        if (request->update_mask().paths().empty()) {
          if (in.task_reminder_hours_size() > 0) paths.insert("task_reminder_hours");
          if (in.offer_reminder_hours() != 0) paths.insert("offer_reminder_hours");
          if (in.key_warning_days() != 0) paths.insert("key_warning_days");
          if (in.quiet_from_hour() != 0) paths.insert("quiet_from_hour");
          if (in.quiet_until_hour() != 0) paths.insert("quiet_until_hour");
          if (!in.sender_address().empty()) paths.insert("sender_address");
        }
        auto settings = outbox_.GetSettings(*exchange_id);
        if (!settings.ok()) return settings.status();
        if (paths.count("task_reminder_hours")) {
          settings->task_reminder_hours.assign(
              in.task_reminder_hours().begin(), in.task_reminder_hours().end());
        }
        if (paths.count("offer_reminder_hours")) {
          settings->offer_reminder_hours = in.offer_reminder_hours();
        }
        if (paths.count("key_warning_days")) settings->key_warning_days = in.key_warning_days();
        if (paths.count("quiet_from_hour")) {
          settings->quiet_hours.from_hour = in.quiet_from_hour();
        }
        if (paths.count("quiet_until_hour")) {
          settings->quiet_hours.until_hour = in.quiet_until_hour();
        }
        if (paths.count("sender_address")) settings->sender_address = in.sender_address();
        int64_t revision = 0;
        auto stored = outbox_.UpdateSettings(
            *exchange_id, *settings, in.etag().empty() ? -1 : *expected, caller.now(), &revision);
        if (!stored.ok()) return stored.status();
        *response->mutable_notification_settings() =
            SettingsToProto(*exchange_id, *stored, revision);
        return absl::OkStatus();
      });
}

void NotificationService::StopWatches() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
}

static_assert(
    static_cast<int>(domain::EventKind::kContractReady) == v1::Event::KIND_CONTRACT_READY);
static_assert(
    static_cast<int>(domain::EventKind::kAssignmentChanged) == v1::Event::KIND_ASSIGNMENT_CHANGED);

grpc::Status NotificationService::WatchEvents(
    grpc::ServerContext* context, const v1::WatchEventsRequest* request,
    grpc::ServerWriter<v1::WatchEventsResponse>* writer) {
  return guard_.RunStreaming(
      context, *request, "NotificationService/WatchEvents", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        auto after = domain::ParseEventCursor(request->after(), "after");
        if (!after.ok()) return after.status();
        storage::EventScope scope;
        if (caller.organization_only()) scope.organization_id = caller.principal().organization_id;
        if (caller.self_only()) scope.expert_id = caller.principal().expert_id;
        // Until shortly before the deadline (then OK: call again from the
        // last cursor), the caller leaves, or the server stops.
        const absl::Time end = caller.deadline() - domain::kWatchEndsBeforeDeadline;
        int64_t cursor = *after;
        // The events there are now are read even when the deadline is near.
        for (bool first = true; first || (!context->IsCancelled() && absl::Now() < end);
             first = false) {
          auto events = events_.After(*exchange_id, cursor, scope, domain::kEventsPerResponse);
          if (!events.ok()) return events.status();
          if (!events->empty()) {
            v1::WatchEventsResponse response;
            for (const storage::StoredEvent& e : *events) {
              v1::Event* out = response.add_events();
              out->set_cursor(domain::FormatEventCursor(e.seq));
              out->set_kind(static_cast<v1::Event::Kind>(e.kind));
              out->set_assignment(e.assignment);
              out->set_order(e.order);
              out->set_assignment_state(static_cast<v1::Assignment::State>(e.state));
              *out->mutable_time() = ToProto(e.time);
              cursor = e.seq;
            }
            if (!writer->Write(response)) return absl::OkStatus();  // the caller left
            if (static_cast<int>(events->size()) == domain::kEventsPerResponse) continue;
          }
          std::unique_lock<std::mutex> lock(stop_mu_);
          const absl::Duration wait = std::min(domain::kEventPoll, end - absl::Now());
          if (stop_cv_.wait_for(
                  lock, absl::ToChronoMilliseconds(std::max(wait, absl::ZeroDuration())),
                  [this] { return stopping_; })) {
            break;
          }
        }
        return absl::OkStatus();
      });
}

namespace {

v1::Webhook ToProto(const storage::Webhook& h) {
  v1::Webhook p;
  p.set_name(domain::ChildResourceName(h.exchange_id, "webhooks", h.id));
  p.set_url(h.url);
  if (!h.organization_id.empty()) {
    p.set_organization(
        domain::ChildResourceName(h.exchange_id, "organizations", h.organization_id));
  }
  p.set_cursor(domain::FormatEventCursor(h.cursor));
  p.set_failures(h.failures);
  p.set_last_error(h.last_error);
  if (h.last_delivery != absl::UnixEpoch()) {
    *p.mutable_last_delivery_time() = rpc::ToProto(h.last_delivery);
  }
  *p.mutable_create_time() = rpc::ToProto(h.create_time);
  return p;
}

}  // namespace

grpc::Status NotificationService::CreateWebhook(
    grpc::ServerContext* context, const v1::CreateWebhookRequest* request,
    v1::CreateWebhookResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/CreateWebhook", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        storage::Webhook hook;
        hook.exchange_id = *exchange_id;
        hook.url = request->webhook().url();
        if (!request->webhook().organization().empty()) {
          auto org = domain::ParseChildName(
              request->webhook().organization(), "organizations", "webhook.organization");
          if (!org.ok()) return org.status();
          if (org->exchange_id != *exchange_id) {
            return domain::InvalidField(
                "webhook.organization", "must be an organization of the parent exchange");
          }
          hook.organization_id = org->id;
        }
        // An orderer system's webhook carries its own organization's events.
        if (caller.organization_only()) {
          if (!hook.organization_id.empty() &&
              hook.organization_id != caller.principal().organization_id) {
            return absl::PermissionDeniedError(
                "an orderer system makes webhooks of its own organization only");
          }
          hook.organization_id = caller.principal().organization_id;
        }
        auto made = webhooks_.Create(hook, caller.now());
        if (!made.ok()) return made.status();
        *response->mutable_webhook() = ToProto(*made);
        response->set_secret(made->secret);
        caller.set_audit_resource(response->webhook().name());
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::ListWebhooks(
    grpc::ServerContext* context, const v1::ListWebhooksRequest* request,
    v1::ListWebhooksResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/ListWebhooks", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        auto hooks = webhooks_.List(
            *exchange_id, caller.organization_only() ? caller.principal().organization_id : "");
        if (!hooks.ok()) return hooks.status();
        for (const storage::Webhook& h : *hooks) *response->add_webhooks() = ToProto(h);
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::DeleteWebhook(
    grpc::ServerContext* context, const v1::DeleteWebhookRequest* request,
    v1::DeleteWebhookResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/DeleteWebhook", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "webhooks", "name");
        if (!name.ok()) return name.status();
        auto hook = webhooks_.Get(name->exchange_id, name->id);
        if (!hook.ok()) return hook.status();
        if (absl::Status s = caller.MaySee(request->name(), hook->organization_id, ""); !s.ok()) {
          return s;
        }
        return webhooks_.Delete(name->exchange_id, name->id);
      });
}

namespace {

// The person a feed request names, and OK if the caller may act for them.
absl::StatusOr<domain::Principal> FeedPerson(
    const Caller& caller, const std::string& person, absl::string_view field) {
  auto who = storage::PersonOf(person, field);
  if (!who.ok()) return who.status();
  if (absl::Status s = caller.MaySee(person, who->organization_id, who->expert_id); !s.ok()) {
    return s;
  }
  return who;
}

v1::CalendarFeed ToProto(const storage::CalendarFeed& f) {
  v1::CalendarFeed p;
  p.set_name(f.Name());
  *p.mutable_create_time() = rpc::ToProto(f.create_time);
  return p;
}

}  // namespace

grpc::Status NotificationService::CreateCalendarFeed(
    grpc::ServerContext* context, const v1::CreateCalendarFeedRequest* request,
    v1::CreateCalendarFeedResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/CreateCalendarFeed", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto who = FeedPerson(caller, request->parent(), "parent");
        if (!who.ok()) return who.status();
        if (web_base_url_.empty()) {
          return absl::FailedPreconditionError(
              "this server serves no calendar feeds (it has no --web_base_url)");
        }
        auto made = feeds_.Create(request->parent(), caller.now());
        if (!made.ok()) return made.status();
        *response->mutable_calendar_feed() = ToProto(made->first);
        response->set_url(domain::CalendarFeedUrl(web_base_url_, made->second));
        caller.set_audit_resource(made->first.Name());
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::ListCalendarFeeds(
    grpc::ServerContext* context, const v1::ListCalendarFeedsRequest* request,
    v1::ListCalendarFeedsResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/ListCalendarFeeds", "parent", request->parent(),
      [&](Caller& caller) -> absl::Status {
        auto who = FeedPerson(caller, request->parent(), "parent");
        if (!who.ok()) return who.status();
        auto feeds = feeds_.List(request->parent());
        if (!feeds.ok()) return feeds.status();
        for (const storage::CalendarFeed& f : *feeds) *response->add_calendar_feeds() = ToProto(f);
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::RevokeCalendarFeed(
    grpc::ServerContext* context, const v1::RevokeCalendarFeedRequest* request,
    v1::RevokeCalendarFeedResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/RevokeCalendarFeed", "name", request->name(),
      [&](Caller& caller) -> absl::Status {
        const size_t cut = request->name().find("/calendarFeeds/");
        if (cut == std::string::npos) {
          return domain::InvalidField(
              "name", "must be exchanges/{exchange}/experts/{expert}/calendarFeeds/{feed}");
        }
        const std::string person = request->name().substr(0, cut);
        auto who = FeedPerson(caller, person, "name");
        if (!who.ok()) return who.status();
        return feeds_.Revoke(person, request->name().substr(cut + strlen("/calendarFeeds/")));
      });
}

grpc::Status NotificationService::ListMessageTemplates(
    grpc::ServerContext* context, const v1::ListMessageTemplatesRequest* request,
    v1::ListMessageTemplatesResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/ListMessageTemplates", "parent", request->parent(),
      [&](Caller&) -> absl::Status {
        auto exchange_id = domain::ParseExchangeName(request->parent(), "parent");
        if (!exchange_id.ok()) return exchange_id.status();
        auto all = templates_.List(*exchange_id);
        if (!all.ok()) return all.status();
        for (const storage::StoredMessageTemplate& t : *all) {
          *response->add_message_templates() = TemplateToProto(*exchange_id, t);
        }
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::GetMessageTemplate(
    grpc::ServerContext* context, const v1::GetMessageTemplateRequest* request,
    v1::GetMessageTemplateResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/GetMessageTemplate", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "messageTemplates", "name");
        if (!name.ok()) return name.status();
        auto t = templates_.Get(name->exchange_id, name->id);
        if (!t.ok()) return t.status();
        *response->mutable_message_template() = TemplateToProto(name->exchange_id, *t);
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::UpdateMessageTemplate(
    grpc::ServerContext* context, const v1::UpdateMessageTemplateRequest* request,
    v1::UpdateMessageTemplateResponse* response) {
  const v1::MessageTemplate& in = request->message_template();
  return guard_.Run(
      context, *request, "NotificationService/UpdateMessageTemplate", "message_template.name",
      in.name(), [&](Caller& caller) -> absl::Status {
        auto name = domain::ParseChildName(in.name(), "messageTemplates", "message_template.name");
        if (!name.ok()) return name.status();
        bool subject = false;
        bool body = false;
        for (const std::string& path : request->update_mask().paths()) {
          if (path == "*" || path == "subject") subject = true;
          if (path == "*" || path == "body") body = true;
          if (path != "*" && path != "subject" && path != "body") {
            return domain::InvalidField(
                "update_mask",
                absl::StrCat("unknown field \"", path, "\"; the fields are subject and body"));
          }
        }
        if (request->update_mask().paths().empty()) {
          subject = !in.subject().empty();
          body = !in.body().empty();
        }
        auto current = templates_.Get(name->exchange_id, name->id);
        if (!current.ok()) {
          return domain::WithFieldPrefix(current.status(), "message_template");
        }
        domain::MessageTemplate wording = current->wording;
        if (subject) wording.subject = in.subject();
        if (body) wording.body = in.body();
        if (request->validate_only()) {
          if (absl::Status s = domain::ValidateMessageTemplate(wording, "message_template.");
              !s.ok()) {
            return s;
          }
          storage::StoredMessageTemplate would = *current;
          would.wording = wording;
          would.customized = true;
          would.update_time = caller.now();
          *response->mutable_message_template() = TemplateToProto(name->exchange_id, would);
          return absl::OkStatus();
        }
        auto stored = templates_.Put(name->exchange_id, wording, caller.now());
        if (!stored.ok()) return stored.status();
        *response->mutable_message_template() = TemplateToProto(name->exchange_id, *stored);
        return absl::OkStatus();
      });
}

grpc::Status NotificationService::ResetMessageTemplate(
    grpc::ServerContext* context, const v1::ResetMessageTemplateRequest* request,
    v1::ResetMessageTemplateResponse* response) {
  return guard_.Run(
      context, *request, "NotificationService/ResetMessageTemplate", "name", request->name(),
      [&](Caller&) -> absl::Status {
        auto name = domain::ParseChildName(request->name(), "messageTemplates", "name");
        if (!name.ok()) return name.status();
        auto t = templates_.Reset(name->exchange_id, name->id);
        if (!t.ok()) return t.status();
        *response->mutable_message_template() = TemplateToProto(name->exchange_id, *t);
        return absl::OkStatus();
      });
}

}  // namespace kokemus::rpc
