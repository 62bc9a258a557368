// kokemus.v1.NotificationService: the coordinator's view of what was sent to
// whom (the outbox), resending a message, and the exchange's reminder
// settings. Message reads are audited (they name people).
//
//   NotificationService service(outbox, guard);
//   builder.RegisterService(&service);
#ifndef KOKEMUS_SERVICES_RPC_NOTIFICATION_SERVICE_H_
#define KOKEMUS_SERVICES_RPC_NOTIFICATION_SERVICE_H_

#include <functional>

#include "kokemus/v1/notification_service.grpc.pb.h"
#include "services/rpc/access_guard.h"
#include "services/storage/outbox_store.h"

namespace kokemus::rpc {

class NotificationService final : public v1::NotificationService::Service {
 public:
  // `resent` is called after a resend (to wake the delivery worker); may be empty.
  NotificationService(
      storage::OutboxStore& outbox, AccessGuard& guard, std::function<void()> resent = {})
      : outbox_(outbox), guard_(guard), resent_(std::move(resent)) {}

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

 private:
  storage::OutboxStore& outbox_;
  AccessGuard& guard_;
  std::function<void()> resent_;
};

}  // namespace kokemus::rpc

#endif  // KOKEMUS_SERVICES_RPC_NOTIFICATION_SERVICE_H_
