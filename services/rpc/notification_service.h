// kokemus.v1.NotificationService: the coordinator's view of what was sent to
// whom (the outbox), resending a message, and the exchange's reminder
// settings, and the exchange's own wording of its messages. Message reads are audited (they name
// people). WatchEvents streams the exchange's events to regional systems, within their access.
//
//   NotificationService service(outbox, guard);
//   builder.RegisterService(&service);
#ifndef KOKEMUS_SERVICES_RPC_NOTIFICATION_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_NOTIFICATION_SERVICE_H_

#include <condition_variable>
#include <functional>
#include <mutex>

#include "kokemus/v1/notification_service.grpc.pb.h"
#include "services/rpc/access_guard.h"
#include "services/storage/calendar_feed_store.h"
#include "services/storage/event_store.h"
#include "services/storage/message_template_store.h"
#include "services/storage/outbox_store.h"
#include "services/storage/webhook_store.h"

namespace kokemus::rpc {

class NotificationService final : public v1::NotificationService::Service {
 public:
  // `resent` is called after a resend (to wake the delivery worker); may be empty.
  // `web_base_url` is where calendar feeds are served ("" : they are not).
  NotificationService(
      storage::OutboxStore& outbox, storage::EventStore& events, storage::WebhookStore& webhooks,
      storage::CalendarFeedStore& feeds, storage::MessageTemplateStore& templates,
      std::string web_base_url, AccessGuard& guard, std::function<void()> resent = {})
      : outbox_(outbox),
        events_(events),
        webhooks_(webhooks),
        feeds_(feeds),
        templates_(templates),
        web_base_url_(std::move(web_base_url)),
        guard_(guard),
        resent_(std::move(resent)) {}

  grpc::Status ListMessages(
      grpc::ServerContext*, const v1::ListMessagesRequest*, v1::ListMessagesResponse*) override;
  grpc::Status GetMessage(
      grpc::ServerContext*, const v1::GetMessageRequest*, v1::GetMessageResponse*) override;
  grpc::Status ResendMessage(
      grpc::ServerContext*, const v1::ResendMessageRequest*, v1::ResendMessageResponse*) override;
  grpc::Status GetNotificationSettings(
      grpc::ServerContext*, const v1::GetNotificationSettingsRequest*,
      v1::GetNotificationSettingsResponse*) override;
  grpc::Status UpdateNotificationSettings(
      grpc::ServerContext*, const v1::UpdateNotificationSettingsRequest*,
      v1::UpdateNotificationSettingsResponse*) override;
  grpc::Status WatchEvents(
      grpc::ServerContext*, const v1::WatchEventsRequest*,
      grpc::ServerWriter<v1::WatchEventsResponse>*) override;

  grpc::Status CreateWebhook(
      grpc::ServerContext*, const v1::CreateWebhookRequest*, v1::CreateWebhookResponse*) override;
  grpc::Status ListWebhooks(
      grpc::ServerContext*, const v1::ListWebhooksRequest*, v1::ListWebhooksResponse*) override;
  grpc::Status DeleteWebhook(
      grpc::ServerContext*, const v1::DeleteWebhookRequest*, v1::DeleteWebhookResponse*) override;

  grpc::Status CreateCalendarFeed(
      grpc::ServerContext*, const v1::CreateCalendarFeedRequest*,
      v1::CreateCalendarFeedResponse*) override;
  grpc::Status ListCalendarFeeds(
      grpc::ServerContext*, const v1::ListCalendarFeedsRequest*,
      v1::ListCalendarFeedsResponse*) override;
  grpc::Status RevokeCalendarFeed(
      grpc::ServerContext*, const v1::RevokeCalendarFeedRequest*,
      v1::RevokeCalendarFeedResponse*) override;

  grpc::Status ListMessageTemplates(
      grpc::ServerContext*, const v1::ListMessageTemplatesRequest*,
      v1::ListMessageTemplatesResponse*) override;
  grpc::Status GetMessageTemplate(
      grpc::ServerContext*, const v1::GetMessageTemplateRequest*,
      v1::GetMessageTemplateResponse*) override;
  grpc::Status UpdateMessageTemplate(
      grpc::ServerContext*, const v1::UpdateMessageTemplateRequest*,
      v1::UpdateMessageTemplateResponse*) override;
  grpc::Status ResetMessageTemplate(
      grpc::ServerContext*, const v1::ResetMessageTemplateRequest*,
      v1::ResetMessageTemplateResponse*) override;

  // Ends the watches in progress (OK) and refuses none: at shutdown.
  void StopWatches();

 private:
  storage::OutboxStore& outbox_;
  storage::EventStore& events_;
  storage::WebhookStore& webhooks_;
  storage::CalendarFeedStore& feeds_;
  storage::MessageTemplateStore& templates_;
  const std::string web_base_url_;
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  AccessGuard& guard_;
  std::function<void()> resent_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_NOTIFICATION_SERVICE_H_
