// Delivers the outbox: a thread that leases the messages that are due, sends
// each by e-mail or text message (its channel) and records the outcome (sent, retried with backoff,
// or dead). Messages wait in the database while SMTP is down; the API is not held up by delivery.
//
//   OutboxWorker worker(outbox, SmtpSender(options.smtp), SmsSender(options.sms), clock);
//   worker.Wake();   // after a write that queued messages: deliver now
#ifndef KOKEMUS_SERVICES_NOTIFY_OUTBOX_WORKER_H_
#define KOKEMUS_SERVICES_NOTIFY_OUTBOX_WORKER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "services/domain/clock.h"
#include "services/notify/sms.h"
#include "services/notify/smtp.h"
#include "services/storage/outbox_store.h"
#include "services/storage/sign_in_store.h"

namespace kokemus::notify {

struct OutboxWorkerOptions {
  absl::Duration poll = absl::Seconds(1);   // how often due messages are looked for
  absl::Duration lease = absl::Minutes(2);  // a crashed delivery's message goes again after this
  int batch = 50;                           // messages leased at a time
  int senders = 4;                          // connections sending a batch's messages at once
  // The self-service pages' address ("https://kokemus.example.fi"): a
  // message's sign-in link is made when it is sent. "" : messages go without
  // links.
  std::string web_base_url;
};

class OutboxWorker final {
 public:
  // `links` makes the messages' sign-in links (with options.web_base_url).
  OutboxWorker(
      storage::OutboxStore& outbox, storage::SignInStore& links, SmtpSender smtp, SmsSender sms,
      const domain::Clock& clock, OutboxWorkerOptions options = {});
  ~OutboxWorker();  // finishes the message in hand, then stops

  void Wake();

 private:
  void Run();
  absl::Status Email(const storage::OutboxMessage& m, SmtpConnection& connection) const;
  absl::Status Deliver(const storage::OutboxMessage& m, SmtpConnection& connection) const;
  // Delivers one batch; returns how many were leased.
  int DeliverDue();
  // Puts each message's sign-in link in its body (or leaves the line out);
  // the messages whose links could not be made are marked in `failed`.
  void AddLinks(
      std::vector<storage::OutboxMessage>& batch, std::vector<absl::Status>& failed) const;

  storage::OutboxStore& outbox_;
  storage::SignInStore& links_;
  SmtpSender smtp_;
  SmsSender sms_;
  const domain::Clock& clock_;
  OutboxWorkerOptions options_;
  // One per sender, open from batch to batch; only the sender uses its own.
  std::vector<std::unique_ptr<SmtpConnection>> connections_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool woken_ = false;     // guarded by mu_
  std::thread thread_;
};

}  // namespace kokemus::notify

#endif  // KOKEMUS_SERVICES_NOTIFY_OUTBOX_WORKER_H_
