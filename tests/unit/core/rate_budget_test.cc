#include "adapters/ghl/core/rate_budget.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace ghl {
namespace {

using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;

// 2026-12-04 12:00:00 UTC: half a day before the daily reset.
const absl::Time kNoon = absl::FromUnixSeconds(1796385600);

RateBudgetConfig Config(int64_t max, absl::Duration interval, absl::Duration margin) {
  RateBudgetConfig c;
  c.max_per_interval = max;
  c.interval = interval;
  c.margin = margin;
  return c;
}

RateLimitHeaders Headers(int64_t max, int64_t remaining, int64_t interval_ms,
                         int64_t daily_remaining) {
  RateLimitHeaders h;
  h.max = max;
  h.remaining = remaining;
  h.interval_ms = interval_ms;
  h.daily_limit = 200000;
  h.daily_remaining = daily_remaining;
  return h;
}

TEST(RateBudget, DefaultsPaceTheFirstBurstOfAFreshKey) {
  RateBudget budget(Config(100, absl::Seconds(10), absl::Milliseconds(100)));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon) << i;
  // The 101st fits once the first ages out of the window, plus the margin.
  EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon + absl::Milliseconds(10100));
  EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon + absl::Milliseconds(10100));
}

TEST(RateBudget, ConcurrentReservationsAreSpreadInOrder) {
  RateBudget budget(Config(2, absl::Seconds(10), absl::ZeroDuration()));
  std::vector<absl::Time> got;
  for (int i = 0; i < 5; ++i) got.push_back(*budget.Reserve("L", kNoon));
  EXPECT_EQ(got, (std::vector<absl::Time>{kNoon, kNoon, kNoon + absl::Seconds(10),
                                          kNoon + absl::Seconds(10), kNoon + absl::Seconds(20)}));
  // Another key has its own budget.
  EXPECT_EQ(*budget.Reserve("M", kNoon), kNoon);
}

TEST(RateBudget, HeadersSetTheWindow) {
  RateBudget budget(Config(100, absl::Seconds(10), absl::ZeroDuration()));
  ASSERT_EQ(*budget.Reserve("L", kNoon), kNoon);
  budget.Observe("L", kNoon, 200, Headers(3, 2, 2000, 1000));
  EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon);
  EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon);
  EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon + absl::Seconds(2));
  const RateBudgetSnapshot s = budget.Snapshot("L", kNoon);
  EXPECT_EQ(s.max_per_interval, 3);
  EXPECT_EQ(s.interval, absl::Seconds(2));
  EXPECT_EQ(s.daily_remaining, 1000 - 3);
}

TEST(RateBudget, RemainingZeroFromOthersBlocksAWholeInterval) {
  // GHL counts requests this process did not send (another replica).
  RateBudget budget(Config(100, absl::Seconds(10), absl::Milliseconds(50)));
  budget.Observe("L", kNoon, 200, Headers(100, 0, 10000, 5000));
  EXPECT_EQ(*budget.Reserve("L", kNoon + absl::Seconds(1)), kNoon + absl::Milliseconds(10050));
}

TEST(RateBudget, RemainingZeroWaitsForOurOldestSendInTheWindow) {
  RateBudget budget(Config(100, absl::Seconds(10), absl::ZeroDuration()));
  ASSERT_EQ(*budget.Reserve("L", kNoon), kNoon);
  const absl::Time later = kNoon + absl::Seconds(4);
  ASSERT_EQ(*budget.Reserve("L", later), later);
  budget.Observe("L", later, 429, Headers(100, 0, 10000, 5000));
  EXPECT_EQ(*budget.Reserve("L", later), kNoon + absl::Seconds(10));
}

TEST(RateBudget, A429WithBudgetLeftDoesNotBlockButOneWithoutHeadersDoes) {
  RateBudgetConfig config = Config(100, absl::Seconds(10), absl::ZeroDuration());
  config.blocked_after_429 = absl::Seconds(2);
  RateBudget budget(config);
  budget.Observe("L", kNoon, 429, Headers(100, 40, 10000, 5000));
  EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon);
  budget.Observe("M", kNoon, 429, RateLimitHeaders{});
  EXPECT_EQ(*budget.Reserve("M", kNoon), kNoon + absl::Seconds(2));
}

TEST(RateBudget, SpentDailyBudgetFailsFastWithTheDelayToMidnight) {
  RateBudget budget(Config(100, absl::Seconds(10), absl::ZeroDuration()));
  budget.Observe("L", kNoon, 200, Headers(100, 99, 10000, 2));
  EXPECT_TRUE(budget.Reserve("L", kNoon).ok());
  EXPECT_TRUE(budget.Reserve("L", kNoon).ok());
  auto spent = budget.Reserve("L", kNoon);
  EXPECT_THAT(
      spent, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("daily GHL request budget")));
  EXPECT_EQ(RetryDelay(spent.status()), absl::Hours(12));
  // The next UTC day starts unknown, so requests flow again.
  EXPECT_TRUE(budget.Reserve("L", kNoon + absl::Hours(12)).ok());
}

TEST(RateBudget, ReleasedReservationsDoNotCount) {
  RateBudget budget(Config(1, absl::Seconds(10), absl::ZeroDuration()));
  budget.Observe("L", kNoon, 200, Headers(1, 1, 10000, 1));
  const absl::Time t = *budget.Reserve("L", kNoon);
  budget.Release("L", t);
  EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon);
  EXPECT_EQ(budget.Snapshot("L", kNoon).daily_remaining, 0);
}

TEST(RateBudget, RetryDelayReadsOnlyItsPayload) {
  EXPECT_EQ(RetryDelay(absl::UnavailableError("x")), std::nullopt);
  absl::Status s = absl::ResourceExhaustedError("x");
  s.SetPayload(kRetryDelayPayload, absl::Cord("1500"));
  EXPECT_EQ(RetryDelay(s), absl::Milliseconds(1500));
  s.SetPayload(kRetryDelayPayload, absl::Cord("soon"));
  EXPECT_EQ(RetryDelay(s), std::nullopt);
}

}  // namespace
}  // namespace ghl

namespace ghl {
namespace {

TEST(RateBudget, EarliestSendPeeksWithoutReserving) {
  RateBudget budget(Config(2, absl::Seconds(10), absl::ZeroDuration()));
  EXPECT_EQ(budget.EarliestSend("L", kNoon), kNoon);
  ASSERT_EQ(*budget.Reserve("L", kNoon), kNoon);
  ASSERT_EQ(*budget.Reserve("L", kNoon), kNoon);
  EXPECT_EQ(budget.EarliestSend("L", kNoon), kNoon + absl::Seconds(10));
  EXPECT_EQ(budget.EarliestSend("L", kNoon), kNoon + absl::Seconds(10));  // still not reserved
  EXPECT_EQ(*budget.Reserve("L", kNoon), kNoon + absl::Seconds(10));
}

}  // namespace
}  // namespace ghl
