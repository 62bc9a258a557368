#include "services/notify/outbox_worker.h"

#include <chrono>
#include <iostream>

#include "absl/strings/match.h"
#include "services/domain/notifications.h"

namespace kokemus::notify {

OutboxWorker::OutboxWorker(
    storage::OutboxStore& outbox, SmtpSender smtp, SmsSender sms, const domain::Clock& clock,
    OutboxWorkerOptions options)
    : outbox_(outbox),
      smtp_(std::move(smtp)),
      sms_(std::move(sms)),
      clock_(clock),
      options_(options),
      thread_([this] { Run(); }) {}

OutboxWorker::~OutboxWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void OutboxWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void OutboxWorker::Run() {
  while (true) {
    // A full batch means more may be due: go again at once.
    const bool more = DeliverDue() == options_.batch;
    std::unique_lock<std::mutex> lock(mu_);
    if (stopping_) return;
    if (more) continue;
    cv_.wait_for(
        lock, absl::ToChronoMilliseconds(options_.poll), [this] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

absl::Status OutboxWorker::Email(const storage::OutboxMessage& m) const {
  if (!smtp_.enabled()) return absl::FailedPreconditionError("no SMTP server configured");
  Mail mail;
  mail.to = m.recipient;
  mail.sender_name = m.sender_name;
  mail.reply_to = m.reply_to;
  mail.subject = m.subject;
  mail.body = m.body;
  mail.message_id = domain::MessageIdFor(m.id);
  mail.language = m.language;
  mail.date = m.create_time;
  if (!m.attachment.empty()) {
    mail.calendar = m.attachment;
    mail.calendar_method =
        absl::StrContains(m.attachment, "\nMETHOD:CANCEL") ? "CANCEL" : "REQUEST";
  }
  return smtp_.Send(mail);
}

int OutboxWorker::DeliverDue() {
  // Quiet hours hold retries too; only urgent messages go then.
  const absl::Time start = clock_.Now();
  const bool quiet = domain::NextSendTime(start, /*urgent=*/false) != start;
  auto due = outbox_.ClaimDue(start, options_.lease, options_.batch, quiet);
  if (!due.ok()) {
    std::cerr << "outbox: cannot read due messages: " << due.status().message() << "\n";
    return 0;
  }
  for (const storage::OutboxMessage& m : *due) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) break;  // the lease runs out; the next start sends it
    }
    absl::Status sent;
    if (m.channel == "SMS") {
      sent = sms_.enabled() ? sms_.Send(m.recipient, m.body)
                            : absl::FailedPreconditionError("no SMS gateway configured");
    } else {
      sent = Email(m);
    }
    const absl::Time now = clock_.Now();
    const absl::Status recorded = sent.ok()
                                      ? outbox_.MarkSent(m.id, now)
                                      : outbox_.MarkFailed(m.id, std::string(sent.message()), now);
    // Ids and errors only: never an address or a text.
    if (!sent.ok()) {
      std::cerr << "outbox: message " << m.id << " not delivered (try " << m.attempts + 1
                << "): " << sent.message() << "\n";
    }
    if (!recorded.ok()) {
      std::cerr << "outbox: message " << m.id
                << ": cannot record the outcome: " << recorded.message() << "\n";
    }
  }
  return static_cast<int>(due->size());
}

}  // namespace kokemus::notify
