// One key's burst is refused while another key is served; tokens come back
// at the set rate; idle keys are forgotten.
#include "services/domain/rate_limit.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace kokemus::domain {
namespace {

const absl::Time t0 = absl::FromUnixSeconds(1795000000);

TEST(RateLimiter, ABurstFromOneKeyLeavesOtherKeysServed) {
  RateLimiter limits({.per_second = 2, .burst = 5});
  int allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += limits.Allow("noisy", t0);
  EXPECT_EQ(allowed, 5);
  EXPECT_TRUE(limits.Allow("quiet", t0));
  EXPECT_FALSE(limits.Allow("noisy", t0 + absl::Milliseconds(400)));  // 0.8 tokens
  EXPECT_TRUE(limits.Allow("noisy", t0 + absl::Milliseconds(500)));   // 1 token back
  EXPECT_FALSE(limits.Allow("noisy", t0 + absl::Milliseconds(500)));
  // Never more than the burst, however long the pause.
  allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += limits.Allow("noisy", t0 + absl::Hours(1));
  EXPECT_EQ(allowed, 5);
}

TEST(RateLimiter, IdleKeysAreForgotten) {
  RateLimiter limits({.per_second = 10, .burst = 10});
  for (int i = 0; i < 100; ++i) limits.Allow("k" + std::to_string(i), t0);
  EXPECT_EQ(limits.buckets(), 100u);
  limits.Allow("later", t0 + absl::Seconds(5));
  EXPECT_EQ(limits.buckets(), 1u);
}

TEST(RateLimiter, ConcurrentCallersNeverGetMoreThanTheBurst) {
  RateLimiter limits({.per_second = 1, .burst = 100});
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) allowed += limits.Allow("shared", t0);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 100);
}

TEST(RateLimiter, ExhaustedLooksWithoutTaking) {
  RateLimiter limits({.per_second = 1, .burst = 2});
  EXPECT_FALSE(limits.Exhausted("peer", t0));
  EXPECT_FALSE(limits.Exhausted("peer", t0));  // looking twice takes nothing
  EXPECT_TRUE(limits.Allow("peer", t0));
  EXPECT_TRUE(limits.Allow("peer", t0));
  EXPECT_TRUE(limits.Exhausted("peer", t0));
  EXPECT_FALSE(limits.Exhausted("peer", t0 + absl::Seconds(1)));  // refilled
}

}  // namespace
}  // namespace kokemus::domain
