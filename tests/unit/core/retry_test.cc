#include "adapters/ghl/core/retry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace ghl {
namespace {

using ::ghl::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::function<double()> Constant(double v) {
  return [v] { return v; };
}

TEST(ExponentialBackoff, ExactSequenceWithFakeRandom) {
  // u = 1 -> the cap itself; caps double up to the max.
  ExponentialBackoff b(absl::Milliseconds(100), absl::Milliseconds(700), 2.0, Constant(1.0));
  EXPECT_EQ(b.NextDelay(), absl::Milliseconds(100));
  EXPECT_EQ(b.NextDelay(), absl::Milliseconds(200));
  EXPECT_EQ(b.NextDelay(), absl::Milliseconds(400));
  EXPECT_EQ(b.NextDelay(), absl::Milliseconds(700));
  EXPECT_EQ(b.NextDelay(), absl::Milliseconds(700));
}

TEST(ExponentialBackoff, JitterStaysWithinFloorAndCap) {
  ExponentialBackoff low(absl::Milliseconds(100), absl::Seconds(1), 2.0, Constant(0.0));
  EXPECT_EQ(low.NextDelay(), absl::Milliseconds(50));  // floor_fraction 0.5
  ExponentialBackoff mid(absl::Milliseconds(100), absl::Seconds(1), 2.0, Constant(0.5));
  EXPECT_EQ(mid.NextDelay(), absl::Milliseconds(75));
}

TEST(RetryLoop, RetriesTransientAndRecordsExactSleeps) {
  FakeClock clock;
  int calls = 0;
  RetryPolicy policy{5, absl::Minutes(1)};
  auto result = RetryLoop<int>(
      policy, ExponentialBackoff(absl::Milliseconds(100), absl::Seconds(10), 2.0, Constant(1.0)),
      Idempotency::kIdempotent, clock, [&]() -> absl::StatusOr<int> {
        if (++calls < 4) return absl::UnavailableError("429");
        return 7;
      });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 7);
  EXPECT_EQ(calls, 4);
  EXPECT_THAT(clock.Sleeps(), ElementsAre(absl::Milliseconds(100), absl::Milliseconds(200),
                                          absl::Milliseconds(400)));
}

TEST(RetryLoop, PermanentErrorIsNotRetried) {
  FakeClock clock;
  int calls = 0;
  auto result = RetryLoop<int>(
      RetryPolicy{}, ExponentialBackoff(absl::Milliseconds(100), absl::Seconds(10), 2.0, Constant(1.0)),
      Idempotency::kIdempotent, clock, [&]() -> absl::StatusOr<int> {
        ++calls;
        return absl::NotFoundError("nope");
      });
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kNotFound, "nope"));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock.Sleeps().empty());
}

TEST(RetryLoop, StopsAtMaxAttemptsAndSaysSo) {
  FakeClock clock;
  int calls = 0;
  auto result = RetryLoop<int>(
      RetryPolicy{3, absl::Minutes(1)},
      ExponentialBackoff(absl::Milliseconds(10), absl::Seconds(1), 2.0, Constant(1.0)),
      Idempotency::kIdempotent, clock, [&]() -> absl::StatusOr<int> {
        ++calls;
        return absl::UnavailableError("GHL HTTP 503");
      });
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("after 3 attempts")));
  EXPECT_EQ(calls, 3);
}

TEST(RetryLoop, StopsWhenTheTimeBudgetWouldBeExceeded) {
  FakeClock clock;
  int calls = 0;
  auto result = RetryLoop<int>(
      RetryPolicy{100, absl::Milliseconds(350)},
      ExponentialBackoff(absl::Milliseconds(100), absl::Seconds(10), 2.0, Constant(1.0)),
      Idempotency::kIdempotent, clock, [&]() -> absl::StatusOr<int> {
        ++calls;
        return absl::UnavailableError("x");
      });
  EXPECT_FALSE(result.ok());
  // 100 + 200 = 300 fits; the next 400 ms wait would pass 350 ms.
  EXPECT_THAT(clock.Sleeps(), ElementsAre(absl::Milliseconds(100), absl::Milliseconds(200)));
  EXPECT_EQ(calls, 3);
}

TEST(RetryLoop, NonIdempotentRetriesOnlyWhatWasNeverSent) {
  FakeClock clock;
  int calls = 0;
  auto sent = RetryLoop<int>(
      RetryPolicy{}, ExponentialBackoff(absl::Milliseconds(10), absl::Seconds(1), 2.0, Constant(1.0)),
      Idempotency::kNonIdempotent, clock, [&]() -> absl::StatusOr<int> {
        ++calls;
        return absl::UnavailableError("reset after the body was sent");
      });
  EXPECT_FALSE(sent.ok());
  EXPECT_EQ(calls, 1);

  calls = 0;
  auto not_sent = RetryLoop<int>(
      RetryPolicy{}, ExponentialBackoff(absl::Milliseconds(10), absl::Seconds(1), 2.0, Constant(1.0)),
      Idempotency::kNonIdempotent, clock, [&]() -> absl::StatusOr<int> {
        if (++calls == 1) return MarkNotSent(absl::UnavailableError("connect refused"));
        return 1;
      });
  EXPECT_TRUE(not_sent.ok());
  EXPECT_EQ(calls, 2);
}

TEST(RetryLoop, CancellationStopsRetrying) {
  FakeClock clock;
  int calls = 0;
  auto result = RetryLoop<int>(
      RetryPolicy{}, ExponentialBackoff(absl::Milliseconds(10), absl::Seconds(1), 2.0, Constant(1.0)),
      Idempotency::kIdempotent, clock,
      [&]() -> absl::StatusOr<int> {
        ++calls;
        return absl::UnavailableError("x");
      },
      [&] { return calls >= 2; });
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace ghl
