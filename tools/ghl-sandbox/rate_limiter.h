// RateLimiter: GHL's per-location API limits, a burst limit (N requests per
// sliding interval) and a daily limit (per UTC day), with the numbers GHL
// reports in its X-RateLimit-* response headers.
//
// The burst window is a sliding log: a request is allowed when fewer than
// `max_per_interval` allowed requests happened in the last `interval`.
// Rejected requests are not recorded, so a client that backs off regains
// its budget as old requests age out.
//
// Thread-safety: safe for concurrent use (internally locked). Time is passed
// in, so tests drive it without sleeping.
#ifndef GHL_TOOLS_GHL_SANDBOX_RATE_LIMITER_H_
#define GHL_TOOLS_GHL_SANDBOX_RATE_LIMITER_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ghl::sandbox {

/// Limits applied to each location.
struct RateLimitConfig {
  int max_per_interval = 100;
  absl::Duration interval = absl::Seconds(10);
  int daily = 200000;
};

/// The outcome of one request and the values for GHL's headers.
struct RateLimitDecision {
  bool allowed = true;
  int max_per_interval = 0;  ///< X-RateLimit-Max
  int remaining = 0;         ///< X-RateLimit-Remaining
  int64_t interval_ms = 0;   ///< X-RateLimit-Interval-Milliseconds
  int daily_limit = 0;       ///< X-RateLimit-Limit-Daily
  int daily_remaining = 0;   ///< X-RateLimit-Daily-Remaining
};

/// Per-location burst and daily limiter. See the file comment.
class RateLimiter {
 public:
  explicit RateLimiter(RateLimitConfig config) : config_(config) {}

  /// Counts one request of `location_id` at `now` if both limits allow it.
  /// @return allowed=false (nothing counted) when a limit is exhausted.
  RateLimitDecision Acquire(absl::string_view location_id, absl::Time now);
  /// The current numbers for `location_id` without counting a request.
  RateLimitDecision Peek(absl::string_view location_id, absl::Time now);

 private:
  struct Bucket {
    std::deque<absl::Time> window;  // allowed requests in the interval, oldest first
    int64_t day = -1;               // UTC day number of daily_used
    int daily_used = 0;
  };
  // Requires mu_.
  RateLimitDecision Evaluate(Bucket& bucket, absl::Time now, bool count);

  const RateLimitConfig config_;
  // std::mutex rather than absl::Mutex: Debian's abseil is not built for
  // ThreadSanitizer, which then reports false races on absl-locked data.
  std::mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_RATE_LIMITER_H_
