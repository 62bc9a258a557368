// An exchange's own wording of its messages (mustache templates over the
// variables domain::MessageVariables names), one per message, recipient and
// language; without one, Kokemus's wording. The outbox reads the one in use
// in the transaction of the event that makes the message.
//
//   MessageTemplateStore templates(db);
//   templates.Put("ph", wording, now);      // validated; INVALID_ARGUMENT names the field
//   templates.Reset("ph", "offer-made-expert-fi");   // Kokemus's wording again
#ifndef KOKEMUS_SERVICES_STORAGE_MESSAGE_TEMPLATE_STORE_H_
#define KOKEMUS_SERVICES_STORAGE_MESSAGE_TEMPLATE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/notifications.h"
#include "services/storage/database.h"

namespace kokemus::storage {

struct StoredMessageTemplate {
  domain::MessageTemplate wording;
  bool customized = false;                     // the exchange's own, not Kokemus's
  absl::Time update_time = absl::UnixEpoch();  // when it was set; unset for Kokemus's
};

class MessageTemplateStore final {
 public:
  explicit MessageTemplateStore(Database& db) : db_(db) {}

  // The wording in use of every message in the exchange, in the order of
  // domain::BuiltInMessageTemplates.
  absl::StatusOr<std::vector<StoredMessageTemplate>> List(const std::string& exchange_id);
  // One, by its id ("offer-made-expert-fi"; INVALID_ARGUMENT naming `name`
  // for another).
  absl::StatusOr<StoredMessageTemplate> Get(const std::string& exchange_id, const std::string& id);
  // Sets the exchange's own wording (validated; fields named under
  // "message_template."); the messages made from now on use it.
  absl::StatusOr<StoredMessageTemplate> Put(
      const std::string& exchange_id, const domain::MessageTemplate& wording, absl::Time now);
  // Back to Kokemus's wording; returns it.
  absl::StatusOr<StoredMessageTemplate> Reset(
      const std::string& exchange_id, const std::string& id);

  // Inside a transaction: the exchange's own wording of the message, or
  // nullopt for Kokemus's.
  static std::optional<domain::MessageTemplate> ReadCustom(
      soci::session& sql, const std::string& exchange_id, domain::MessageKind kind,
      domain::Recipient to, const std::string& language);

 private:
  Database& db_;
};

}  // namespace kokemus::storage

#endif  // KOKEMUS_SERVICES_STORAGE_MESSAGE_TEMPLATE_STORE_H_
