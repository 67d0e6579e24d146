#include "tools/ghl-sandbox/rate_limiter.h"

#include <algorithm>

namespace ghl::sandbox {

RateLimitDecision RateLimiter::Acquire(absl::string_view location_id, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  return Evaluate(buckets_[location_id], now, /*count=*/true);
}

RateLimitDecision RateLimiter::Peek(absl::string_view location_id, absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  return Evaluate(buckets_[location_id], now, /*count=*/false);
}

RateLimitDecision RateLimiter::Evaluate(Bucket& bucket, absl::Time now, bool count) {
  const absl::Time horizon = now - config_.interval;
  while (!bucket.window.empty() && bucket.window.front() <= horizon) bucket.window.pop_front();
  const int64_t day = absl::ToUnixSeconds(now) / 86400;
  if (day != bucket.day) {
    bucket.day = day;
    bucket.daily_used = 0;
  }
  RateLimitDecision d;
  d.max_per_interval = config_.max_per_interval;
  d.interval_ms = absl::ToInt64Milliseconds(config_.interval);
  d.daily_limit = config_.daily;
  const bool burst_ok = static_cast<int64_t>(bucket.window.size()) < config_.max_per_interval;
  const bool daily_ok = bucket.daily_used < config_.daily;
  d.allowed = burst_ok && daily_ok;
  if (count && d.allowed) {
    bucket.window.push_back(now);
    ++bucket.daily_used;
  }
  d.remaining = std::max<int>(0, config_.max_per_interval - static_cast<int>(bucket.window.size()));
  d.daily_remaining = std::max(0, config_.daily - bucket.daily_used);
  return d;
}

}  // namespace ghl::sandbox
