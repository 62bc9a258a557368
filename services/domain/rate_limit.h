// Per-caller rate limits: a token bucket per API key (a burst of `burst`
// calls, refilled at `per_second`), so one key's burst is refused with
// RESOURCE_EXHAUSTED while every other key is still served. Thread-safe;
// idle buckets are dropped so memory stays bounded by the active keys.
//
//   RateLimiter limits({.per_second = 50, .burst = 100});
//   if (!limits.Allow(principal.key_id, absl::Now())) return ResourceExhausted(...);
#ifndef KOKEMUS_SERVICES_DOMAIN_RATE_LIMIT_H_
#define KOKEMUS_SERVICES_DOMAIN_RATE_LIMIT_H_

#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kokemus::domain {

struct RateLimit {
  double per_second = 50;
  double burst = 100;
};

class RateLimiter final {
 public:
  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // Takes one token of `key`'s bucket if there is one.
  bool Allow(absl::string_view key, absl::Time now);
  // Whether `key`'s bucket is empty now (takes nothing).
  bool Exhausted(absl::string_view key, absl::Time now);
  size_t buckets() const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time last = absl::InfinitePast();
  };
  // `key`'s bucket, made full or refilled to `now`; mu_ held.
  Bucket& Refilled(absl::string_view key, absl::Time now);

  const RateLimit limit_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  absl::Time last_sweep_ = absl::InfinitePast();
};

}  // namespace kokemus::domain

#endif  // KOKEMUS_SERVICES_DOMAIN_RATE_LIMIT_H_
