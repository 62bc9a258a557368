// Delivers events to webhooks: a thread that leases the webhooks that are
// due, POSTs each one's next events (at most domain::kEventsPerResponse, in
// order) signed with its secret (domain::WebhookSignature), and moves its
// cursor on a 2xx answer or retries with backoff. At least once: a crash
// between the answer and the cursor's move repeats the call; receivers keep
// the last cursor they saw.
//
//   WebhookWorker hooks(webhook_store, event_store, clock, {.poll = absl::Seconds(1)});
#ifndef KOKEMUS_SERVICES_NOTIFY_WEBHOOK_WORKER_H_
#define KOKEMUS_SERVICES_NOTIFY_WEBHOOK_WORKER_H_

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "services/domain/clock.h"
#include "services/domain/events.h"
#include "services/storage/event_store.h"
#include "services/storage/webhook_store.h"

namespace kokemus::notify {

struct WebhookWorkerOptions {
  absl::Duration poll = absl::Seconds(1);      // how often webhooks are looked at
  absl::Duration lease = absl::Minutes(1);     // a crashed delivery goes again after this
  absl::Duration timeout = absl::Seconds(10);  // one call's limit
};

// The body of a call: {"webhook": name, "events": [...]}, each event in the
// protobuf JSON mapping of kokemus.v1.Event.
std::string WebhookBody(const std::string& webhook_name, const std::vector<domain::Event>& events);

class WebhookWorker final {
 public:
  WebhookWorker(
      storage::WebhookStore& hooks, storage::EventStore& events, const domain::Clock& clock,
      WebhookWorkerOptions options = {});
  ~WebhookWorker();

 private:
  void Run();
  void DeliverDue();

  storage::WebhookStore& hooks_;
  storage::EventStore& events_;
  const domain::Clock& clock_;
  WebhookWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kokemus::notify

#endif  // KOKEMUS_SERVICES_NOTIFY_WEBHOOK_WORKER_H_
