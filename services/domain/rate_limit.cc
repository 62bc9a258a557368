#include "services/domain/rate_limit.h"

#include <algorithm>

namespace kokemus::domain {

bool RateLimiter::Allow(absl::string_view key, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& b = Refilled(key, now);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

bool RateLimiter::Exhausted(absl::string_view key, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  return Refilled(key, now).tokens < 1;
}

RateLimiter::Bucket& RateLimiter::Refilled(absl::string_view key, absl::Time now) {
  // A bucket idle long enough to be full again carries no state: drop it.
  const absl::Duration refill_all = absl::Seconds(limit_.burst / limit_.per_second);
  if (now - last_sweep_ > refill_all) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = now - it->second.last > refill_all ? buckets_.erase(it) : std::next(it);
    }
    last_sweep_ = now;
  }
  auto [it, added] = buckets_.try_emplace(std::string(key));
  Bucket& b = it->second;
  if (added) {
    b.tokens = limit_.burst;
  } else if (now > b.last) {
    b.tokens =
        std::min(limit_.burst, b.tokens + absl::ToDoubleSeconds(now - b.last) * limit_.per_second);
  }
  b.last = std::max(b.last, now);
  return b;
}

size_t RateLimiter::buckets() const {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

}  // namespace kokemus::domain
