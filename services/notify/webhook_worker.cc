#include "services/notify/webhook_worker.h"

#include <iostream>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "services/domain/enum_names.h"
#include "services/domain/listing.h"
#include "services/notify/http_post.h"

namespace kokemus::notify {

std::string WebhookBody(const std::string& webhook_name, const std::vector<domain::Event>& events) {
  nlohmann::json body = {{"webhook", webhook_name}, {"events", nlohmann::json::array()}};
  for (const domain::Event& e : events) {
    body["events"].push_back({
        {"cursor", domain::FormatEventCursor(e.seq)},
        {"kind", absl::StrCat("KIND_", domain::EventKindName(e.kind))},
        {"assignment", e.assignment},
        {"order", e.order},
        {"assignmentState", absl::StrCat("STATE_", domain::EnumName(e.state))},
        {"time", absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", e.time, absl::UTCTimeZone())},
    });
  }
  return body.dump();
}

WebhookWorker::WebhookWorker(
    storage::WebhookStore& hooks, storage::EventStore& events, const domain::Clock& clock,
    WebhookWorkerOptions options)
    : hooks_(hooks), events_(events), clock_(clock), options_(options), thread_([this] {
        Run();
      }) {}

WebhookWorker::~WebhookWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WebhookWorker::Run() {
  while (true) {
    DeliverDue();
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(
            lock, absl::ToChronoMilliseconds(options_.poll), [this] { return stopping_; })) {
      return;
    }
  }
}

void WebhookWorker::DeliverDue() {
  auto due = hooks_.ClaimDue(clock_.Now(), options_.lease);
  if (!due.ok()) {
    std::cerr << "webhooks: cannot read due webhooks: " << due.status().message() << "\n";
    return;
  }
  for (const storage::Webhook& hook : *due) {
    const std::string name = domain::ChildResourceName(hook.exchange_id, "webhooks", hook.id);
    auto events = events_.After(
        hook.exchange_id, hook.cursor, {.organization_id = hook.organization_id},
        domain::kEventsPerResponse);
    if (!events.ok() || events->empty()) {
      (void)hooks_.Idle(hook, absl::UnixEpoch());  // due again at the next look
      continue;
    }
    const std::string body = WebhookBody(name, *events);
    const int64_t timestamp = absl::ToUnixSeconds(clock_.Now());
    auto status = HttpPost(
        hook.url,
        {"Content-Type: application/json", absl::StrCat("X-Kokemus-Webhook: ", name),
         absl::StrCat("X-Kokemus-Timestamp: ", timestamp),
         absl::StrCat(
             "X-Kokemus-Signature: ", domain::WebhookSignature(hook.secret, timestamp, body))},
        body, options_.timeout);
    std::string error;
    if (!status.ok()) {
      error = std::string(status.status().message());
    } else if (*status < 200 || *status >= 300) {
      error = absl::StrCat("the receiver answered HTTP ", *status);
    }
    // Names and errors only: never an event's content.
    if (!error.empty()) {
      std::cerr << "webhooks: " << name << " not delivered: " << error << "\n";
      (void)hooks_.Failed(hook, error, clock_.Now());
    } else {
      (void)hooks_.Delivered(hook, events->back().seq, clock_.Now());
    }
  }
}

}  // namespace kokemus::notify
