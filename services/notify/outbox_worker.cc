#include "services/notify/outbox_worker.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>

#include "services/domain/notifications.h"
#include "services/domain/sign_in.h"

namespace kokemus::notify {
namespace {

// Delivery is background work: its threads yield the CPU to the API's
// (a nice value of 10 for this thread; Linux sets it per thread).
void LowerPriority() { (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10); }

}  // namespace

OutboxWorker::OutboxWorker(
    storage::OutboxStore& outbox, storage::SignInStore& links, SmtpSender smtp, SmsSender sms,
    const domain::Clock& clock, OutboxWorkerOptions options)
    : outbox_(outbox),
      links_(links),
      smtp_(std::move(smtp)),
      sms_(std::move(sms)),
      clock_(clock),
      options_(options),
      connections_([this] {
        std::vector<std::unique_ptr<SmtpConnection>> connections;
        for (int i = 0; i < std::max(options_.senders, 1); ++i) {
          connections.push_back(std::make_unique<SmtpConnection>(smtp_));
        }
        return connections;
      }()),
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
  LowerPriority();
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

absl::Status OutboxWorker::Email(
    const storage::OutboxMessage& m, SmtpConnection& connection) const {
  if (!smtp_.enabled()) return absl::FailedPreconditionError("no SMTP server configured");
  Mail mail;
  mail.from = m.sender_address;
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
    // A cancellation's entry cancels; every other entry is a request.
    mail.calendar_method =
        m.kind == domain::MessageKindName(domain::MessageKind::kAssignmentCancelled) ? "CANCEL"
                                                                                     : "REQUEST";
  }
  return connection.Send(mail);
}

absl::Status OutboxWorker::Deliver(
    const storage::OutboxMessage& m, SmtpConnection& connection) const {
  if (m.channel == "SMS") {
    return sms_.enabled() ? sms_.Send(m.recipient, m.body)
                          : absl::FailedPreconditionError("no SMS gateway configured");
  }
  return Email(m, connection);
}

void OutboxWorker::AddLinks(
    std::vector<storage::OutboxMessage>& batch, std::vector<absl::Status>& failed) const {
  std::vector<storage::LinkRequest> requests;
  std::vector<size_t> linked;
  for (size_t i = 0; i < batch.size(); ++i) {
    const storage::OutboxMessage& m = batch[i];
    if (m.link_for.empty() || options_.web_base_url.empty()) continue;
    const bool asked = m.kind == domain::MessageKindName(domain::MessageKind::kSignInLink);
    requests.push_back(
        {m.link_for, m.recipient, asked ? "" : m.resource,
         asked ? domain::kRequestedLinkLifetime : domain::kMessageLinkLifetime});
    linked.push_back(i);
  }
  absl::StatusOr<std::vector<std::string>> tokens = links_.Mint(requests, clock_.Now());
  for (size_t j = 0; j < linked.size(); ++j) {
    if (!tokens.ok()) failed[linked[j]] = absl::UnavailableError("cannot make its sign-in link");
  }
  size_t next = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    std::string url;
    if (next < linked.size() && linked[next] == i) {
      if (tokens.ok()) url = domain::SignInUrl(options_.web_base_url, (*tokens)[next]);
      ++next;
    }
    batch[i].body = domain::WithLink(batch[i].body, url);
  }
}

int OutboxWorker::DeliverDue() {
  const absl::Time start = clock_.Now();
  auto due = outbox_.ClaimDue(start, options_.lease, options_.batch);
  if (!due.ok()) {
    std::cerr << "outbox: cannot read due messages: " << due.status().message() << "\n";
    return 0;
  }
  // The batch's messages over `senders` connections at once; the outcomes
  // in one transaction. A stop leaves the unsent ones to their lease.
  std::vector<storage::OutboxMessage>& batch = *due;
  std::vector<absl::Status> results(batch.size(), absl::CancelledError("stopping"));
  std::vector<absl::Status> unlinked(batch.size());
  AddLinks(batch, unlinked);
  std::atomic<size_t> next{0};
  auto send = [&](SmtpConnection& connection) {
    for (size_t i = next++; i < batch.size(); i = next++) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stopping_) return;
      }
      results[i] = unlinked[i].ok() ? Deliver(batch[i], connection) : unlinked[i];
    }
  };
  std::vector<std::thread> senders;
  const size_t n = std::min(connections_.size(), batch.size());
  for (size_t t = 1; t < n; ++t) {
    senders.emplace_back([&, t] {
      LowerPriority();
      send(*connections_[t]);
    });
  }
  if (n > 0) send(*connections_[0]);
  for (std::thread& t : senders) t.join();
  std::vector<storage::OutboxStore::Outcome> outcomes;
  for (size_t i = 0; i < batch.size(); ++i) {
    const storage::OutboxMessage& m = batch[i];
    if (absl::IsCancelled(results[i])) continue;  // not tried
    // Ids and errors only: never an address or a text.
    if (!results[i].ok()) {
      std::cerr << "outbox: message " << m.id << " not delivered (try " << m.attempts + 1
                << "): " << results[i].message() << "\n";
    }
    outcomes.push_back({m.id, results[i].ok() ? "" : std::string(results[i].message())});
  }
  if (absl::Status recorded = outbox_.MarkOutcomes(outcomes, clock_.Now()); !recorded.ok()) {
    std::cerr << "outbox: cannot record " << outcomes.size() << " outcomes: " << recorded.message()
              << "\n";
  }
  return static_cast<int>(due->size());
}

}  // namespace kokemus::notify
