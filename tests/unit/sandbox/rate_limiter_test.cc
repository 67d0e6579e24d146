#include "tools/ghl-sandbox/rate_limiter.h"

#include "gtest/gtest.h"

namespace ghl::sandbox {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(RateLimiterTest, BurstWindowSlides) {
  RateLimiter limiter({2, absl::Milliseconds(1000), 1000});
  EXPECT_TRUE(limiter.Acquire("L", kT0).allowed);
  const RateLimitDecision second = limiter.Acquire("L", kT0 + absl::Milliseconds(400));
  EXPECT_TRUE(second.allowed);
  EXPECT_EQ(second.remaining, 0);
  const RateLimitDecision denied = limiter.Acquire("L", kT0 + absl::Milliseconds(999));
  EXPECT_FALSE(denied.allowed);
  EXPECT_EQ(denied.remaining, 0);
  // The first request leaves the window at t0+1000 ms.
  const RateLimitDecision again = limiter.Acquire("L", kT0 + absl::Milliseconds(1000));
  EXPECT_TRUE(again.allowed);
  EXPECT_EQ(again.remaining, 0);
  EXPECT_FALSE(limiter.Acquire("L", kT0 + absl::Milliseconds(1399)).allowed);
  EXPECT_TRUE(limiter.Acquire("L", kT0 + absl::Milliseconds(1400)).allowed);
}

TEST(RateLimiterTest, RejectedRequestsAreNotCounted) {
  RateLimiter limiter({1, absl::Milliseconds(100), 1000});
  EXPECT_TRUE(limiter.Acquire("L", kT0).allowed);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(limiter.Acquire("L", kT0 + absl::Milliseconds(50)).allowed);
  const RateLimitDecision d = limiter.Acquire("L", kT0 + absl::Milliseconds(100));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.daily_remaining, 998);
}

TEST(RateLimiterTest, LocationsAreIndependent) {
  RateLimiter limiter({1, absl::Seconds(10), 1000});
  EXPECT_TRUE(limiter.Acquire("A", kT0).allowed);
  EXPECT_FALSE(limiter.Acquire("A", kT0).allowed);
  EXPECT_TRUE(limiter.Acquire("B", kT0).allowed);
}

TEST(RateLimiterTest, DailyLimitResetsAtUtcMidnight) {
  RateLimiter limiter({100, absl::Seconds(1), 2});
  const absl::Time day_end = absl::FromUnixSeconds(1700006399);  // 23:59:59 UTC
  EXPECT_TRUE(limiter.Acquire("L", day_end).allowed);
  const RateLimitDecision last = limiter.Acquire("L", day_end);
  EXPECT_TRUE(last.allowed);
  EXPECT_EQ(last.daily_remaining, 0);
  EXPECT_FALSE(limiter.Acquire("L", day_end).allowed);
  const RateLimitDecision next_day = limiter.Acquire("L", day_end + absl::Seconds(1));
  EXPECT_TRUE(next_day.allowed);
  EXPECT_EQ(next_day.daily_remaining, 1);
}

TEST(RateLimiterTest, PeekReportsWithoutCounting) {
  RateLimiter limiter({3, absl::Seconds(10), 50});
  limiter.Acquire("L", kT0);
  const RateLimitDecision peek = limiter.Peek("L", kT0);
  EXPECT_EQ(peek.remaining, 2);
  EXPECT_EQ(peek.daily_remaining, 49);
  EXPECT_EQ(peek.max_per_interval, 3);
  EXPECT_EQ(peek.interval_ms, 10000);
  EXPECT_EQ(peek.daily_limit, 50);
  EXPECT_EQ(limiter.Peek("L", kT0).remaining, 2);
}

}  // namespace
}  // namespace ghl::sandbox
