// The time the rules see. The server runs on the system clock; tests and
// simulations (a month of orders in seconds) give the server a FakeClock,
// and everything that decides by "now" (deadlines, lapses, key expiry, fees
// by date, create and update times) follows it. Durations that measure the
// server itself (request log, shutdown grace) stay on the system clock.
//
//   FakeClock clock(absl::FromUnixSeconds(1796000000));
//   options.clock = &clock;            // ServerOptions
//   clock.Advance(absl::Hours(25));    // every offer due tomorrow has lapsed
#ifndef KOKEMUS_SERVICES_DOMAIN_CLOCK_H_
#define KOKEMUS_SERVICES_DOMAIN_CLOCK_H_

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kokemus::domain {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// absl::Now().
const Clock& SystemClock();

// A clock that stands still until it is set or advanced; safe to read from
// many threads while one moves it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : micros_(absl::ToUnixMicros(start)) {}
  absl::Time Now() const override { return absl::FromUnixMicros(micros_.load()); }
  void Set(absl::Time t) { micros_.store(absl::ToUnixMicros(t)); }
  void Advance(absl::Duration d) { micros_.fetch_add(absl::ToInt64Microseconds(d)); }

 private:
  std::atomic<int64_t> micros_;
};

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_CLOCK_H_
