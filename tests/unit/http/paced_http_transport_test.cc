#include "adapters/ghl/http/paced_http_transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "adapters/ghl/core/retry.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/status_matchers.h"

namespace ghl::http {
namespace {

using ::ghl::testing::FakeHttpTransport;
using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;

std::map<std::string, std::string> Limits(int max, int remaining, int daily_remaining) {
  return {{"x-ratelimit-max", std::to_string(max)},
          {"x-ratelimit-remaining", std::to_string(remaining)},
          {"x-ratelimit-interval-milliseconds", "10000"},
          {"x-ratelimit-limit-daily", "200000"},
          {"x-ratelimit-daily-remaining", std::to_string(daily_remaining)}};
}

HttpRequest Request(const std::string& key) {
  HttpRequest r;
  r.url = "http://ghl.invalid/contacts/";
  r.budget_key = key;
  return r;
}

class PacedTransportTest : public ::testing::Test {
 protected:
  PacedTransportTest() {
    RateBudgetConfig config;
    config.margin = absl::Milliseconds(100);
    budget_ = std::make_shared<RateBudget>(config);
    PacingOptions options;
    options.clock = &clock_;
    options.poll = absl::Seconds(1);
    paced_ = MakePacedHttpTransport(inner_, budget_, options);
  }
  FakeClock clock_;
  std::shared_ptr<FakeHttpTransport> inner_ = std::make_shared<FakeHttpTransport>();
  std::shared_ptr<RateBudget> budget_;
  std::shared_ptr<HttpTransport> paced_;
};

TEST_F(PacedTransportTest, HeadersPaceTheNextRequestsOfTheLocation) {
  inner_->AddResponse(200, "{}", Limits(2, 1, 500));
  inner_->AddResponse(200, "{}", Limits(2, 0, 499));
  inner_->AddResponse(200, "{}", Limits(2, 1, 498));
  inner_->AddResponse(200, "{}", Limits(2, 1, 497));
  const absl::Time start = clock_.Now();
  ASSERT_TRUE(paced_->Send(Request("L")).ok());
  ASSERT_TRUE(paced_->Send(Request("L")).ok());
  EXPECT_TRUE(clock_.Sleeps().empty());
  // GHL said the window is spent: the third waits until the first ages out.
  ASSERT_TRUE(paced_->Send(Request("L")).ok());
  EXPECT_EQ(clock_.Now() - start, absl::Milliseconds(10100));
  for (auto s : clock_.Sleeps()) EXPECT_LE(s, absl::Seconds(1));
  // Another location is not held back.
  ASSERT_TRUE(paced_->Send(Request("M")).ok());
  EXPECT_EQ(clock_.Now() - start, absl::Milliseconds(10100));
  EXPECT_EQ(inner_->requests().size(), 4u);
}

TEST_F(PacedTransportTest, RequestsWithoutAKeyAreNotPaced) {
  for (int i = 0; i < 150; ++i) inner_->AddResponse(200, "{}", Limits(100, 0, 10));
  for (int i = 0; i < 150; ++i) ASSERT_TRUE(paced_->Send(Request("")).ok());
  EXPECT_TRUE(clock_.Sleeps().empty());
}

TEST_F(PacedTransportTest, AWaitPastTheDeadlineFailsAtOnceUnsent) {
  inner_->AddResponse(200, "{}", Limits(1, 0, 500));
  ASSERT_TRUE(paced_->Send(Request("L")).ok());
  HttpRequest r = Request("L");
  r.deadline = clock_.Now() + absl::Seconds(3);
  auto out = paced_->Send(r);
  EXPECT_THAT(
      out, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("after the call's deadline")));
  EXPECT_TRUE(IsNotSent(out.status()));
  EXPECT_TRUE(clock_.Sleeps().empty());
  EXPECT_EQ(inner_->requests().size(), 1u);
}

TEST_F(PacedTransportTest, ACancelledCallerStopsWaiting) {
  inner_->AddResponse(200, "{}", Limits(1, 0, 500));
  ASSERT_TRUE(paced_->Send(Request("L")).ok());
  HttpRequest r = Request("L");
  int polls = 0;
  r.cancelled = [&polls] { return ++polls > 3; };
  auto out = paced_->Send(r);
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kCancelled, HasSubstr("rate limit")));
  EXPECT_EQ(clock_.Sleeps().size(), 3u);
  EXPECT_EQ(inner_->requests().size(), 1u);
  // The abandoned slot was given back.
  EXPECT_EQ(budget_->Snapshot("L", clock_.Now()).sends_in_window, 1);
}

TEST_F(PacedTransportTest, SpentDailyBudgetIsResourceExhaustedWithRetryDelay) {
  inner_->AddResponse(200, "{}", Limits(100, 99, 0));
  ASSERT_TRUE(paced_->Send(Request("L")).ok());
  auto out = paced_->Send(Request("L"));
  EXPECT_THAT(out, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("daily")));
  ASSERT_TRUE(RetryDelay(out.status()).has_value());
  EXPECT_GT(*RetryDelay(out.status()), absl::ZeroDuration());
  EXPECT_LE(*RetryDelay(out.status()), absl::Hours(24));
  EXPECT_EQ(inner_->requests().size(), 1u);
}

TEST_F(PacedTransportTest, ANeverSentFailureGivesItsSlotBack) {
  inner_->AddResponse(200, "{}", Limits(1, 1, 500));
  inner_->AddError(MarkNotSent(absl::UnavailableError("connect failed")));
  inner_->AddResponse(200, "{}", Limits(1, 0, 499));
  ASSERT_TRUE(paced_->Send(Request("L")).ok());  // window of 1 now holds one send
  const absl::Time after_first = clock_.Now();
  EXPECT_FALSE(paced_->Send(Request("L")).ok());
  ASSERT_TRUE(paced_->Send(Request("L")).ok());
  // The failed attempt's slot was given back, so the third goes out as soon
  // as the first has aged out instead of one more interval later.
  EXPECT_EQ(clock_.Now() - after_first, absl::Milliseconds(10100));
}

TEST(ReadRateLimitHeaders, MissingOrMalformedAreMinusOne) {
  HttpResponse r;
  r.headers = {{"x-ratelimit-max", "100"}, {"x-ratelimit-remaining", "abc"}};
  RateLimitHeaders h = ReadRateLimitHeaders(r);
  EXPECT_EQ(h.max, 100);
  EXPECT_EQ(h.remaining, -1);
  EXPECT_EQ(h.interval_ms, -1);
  EXPECT_EQ(h.daily_remaining, -1);
}

}  // namespace
}  // namespace ghl::http
