#include "adapters/ghl/core/rate_budget.h"

#include <algorithm>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ghl {
namespace {

int64_t UtcDay(absl::Time t) {
  const int64_t s = absl::ToUnixSeconds(t);
  return s >= 0 ? s / 86400 : (s - 86399) / 86400;
}

absl::Time NextUtcMidnight(absl::Time t) { return absl::FromUnixSeconds((UtcDay(t) + 1) * 86400); }

}  // namespace

std::optional<absl::Duration> RetryDelay(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryDelayPayload);
  if (!payload) return std::nullopt;
  int64_t ms = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &ms) || ms < 0) return std::nullopt;
  return absl::Milliseconds(ms);
}

RateBudget::RateBudget(RateBudgetConfig config) : config_(std::move(config)) {}

RateBudget::Bucket& RateBudget::BucketFor(absl::string_view key) {
  auto [it, inserted] = buckets_.try_emplace(key);
  if (inserted) {
    it->second.max_per_interval = std::max<int64_t>(1, config_.max_per_interval);
    it->second.interval = config_.interval;
  }
  return it->second;
}

void RateBudget::Prune(Bucket& bucket, absl::Time now) {
  // A send older than one interval (and the margin) no longer limits any
  // send at `now` or later.
  const absl::Time horizon = now - bucket.interval - config_.margin;
  while (!bucket.sends.empty() && bucket.sends.front() <= horizon) bucket.sends.pop_front();
  if (bucket.daily_day >= 0 && UtcDay(now) != bucket.daily_day) {
    // A new day: unknown until the next answer says.
    bucket.daily_remaining = -1;
    bucket.daily_day = -1;
  }
}

absl::Time RateBudget::NextSlot(const Bucket& b, absl::Time now) const {
  // Never before a send already handed out (keeps the log sorted and the
  // location's calls in order), and one more must fit the window.
  absl::Time t = std::max(now, b.blocked_until);
  if (!b.sends.empty()) t = std::max(t, b.sends.back());
  const size_t max = static_cast<size_t>(b.max_per_interval);
  if (b.sends.size() >= max) t = std::max(t, b.sends[b.sends.size() - max] + b.interval + config_.margin);
  return t;
}

absl::StatusOr<absl::Time> RateBudget::Reserve(absl::string_view key, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& b = BucketFor(key);
  Prune(b, now);
  if (b.daily_remaining == 0) {
    const absl::Duration delay = NextUtcMidnight(now) - now;
    absl::Status status = absl::ResourceExhaustedError(
        absl::StrCat("the daily GHL request budget of location ", key,
                     " is spent (X-RateLimit-Daily-Remaining: 0); "
                     "retry after ",
                     absl::FormatDuration(absl::Seconds(absl::ToInt64Seconds(delay)))));
    status.SetPayload(kRetryDelayPayload,
                      absl::Cord(absl::StrCat(absl::ToInt64Milliseconds(delay))));
    return status;
  }
  const absl::Time t = NextSlot(b, now);
  b.sends.push_back(t);
  if (b.daily_remaining > 0) --b.daily_remaining;
  return t;
}

absl::Time RateBudget::EarliestSend(absl::string_view key, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& b = BucketFor(key);
  Prune(b, now);
  if (b.daily_remaining == 0) return now;
  return NextSlot(b, now);
}

void RateBudget::Release(absl::string_view key, absl::Time send_time) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& b = BucketFor(key);
  for (auto it = b.sends.rbegin(); it != b.sends.rend(); ++it) {
    if (*it == send_time) {
      b.sends.erase(std::next(it).base());
      if (b.daily_remaining >= 0) ++b.daily_remaining;
      return;
    }
  }
}

void RateBudget::Observe(absl::string_view key, absl::Time now, int http_code,
                         const RateLimitHeaders& headers) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& b = BucketFor(key);
  if (headers.max > 0) b.max_per_interval = headers.max;
  if (headers.interval_ms > 0) b.interval = absl::Milliseconds(headers.interval_ms);
  Prune(b, now);
  if (headers.daily_remaining >= 0) {
    b.daily_remaining = headers.daily_remaining;
    b.daily_day = UtcDay(now);
  }
  const bool window_spent = headers.remaining == 0;
  if (window_spent) {
    // Wait until the oldest request this process sent inside the window
    // ages out; if it sent none there, someone else spent the window, so
    // wait a whole interval.
    absl::Time until = now + b.interval + config_.margin;
    const absl::Time horizon = now - b.interval;
    for (absl::Time s : b.sends) {
      if (s > horizon && s <= now) {
        until = s + b.interval + config_.margin;
        break;
      }
    }
    b.blocked_until = std::max(b.blocked_until, until);
  } else if (http_code == 429 && headers.remaining < 0) {
    // A 429 without headers: back off a little without knowing more.
    b.blocked_until = std::max(b.blocked_until, now + config_.blocked_after_429);
  }
  // A 429 with a positive `remaining` is not the burst limit (a storm,
  // another limit): the retry policy's backoff handles it.
}

RateBudgetSnapshot RateBudget::Snapshot(absl::string_view key, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  Bucket& b = BucketFor(key);
  Prune(b, now);
  RateBudgetSnapshot s;
  s.max_per_interval = b.max_per_interval;
  s.interval = b.interval;
  const absl::Time horizon = now - b.interval;
  s.sends_in_window =
      std::count_if(b.sends.begin(), b.sends.end(), [&](absl::Time t) { return t > horizon; });
  s.daily_remaining = b.daily_remaining;
  s.blocked_until = b.blocked_until;
  return s;
}

}  // namespace ghl
