// RateBudget: the per-location request budget of the gateway, so it paces
// itself under GHL's limits instead of drawing 429s.
//
// GHL allows each app N requests per sliding interval (burst: 100 per 10 s)
// and a daily number (200,000) per location, and reports both in every
// answer's X-RateLimit-* headers. The budget keeps, per key (location id), a
// log of the send times it handed out in the last interval and:
//   - Reserve() hands out the earliest send time at which one more request
//     fits the burst window (plus a safety margin for network jitter), never
//     earlier than a send already handed out, so concurrent calls of one
//     location are spread out in order instead of racing;
//   - Observe() feeds every answer's headers back: the window size and
//     interval follow X-RateLimit-Max / -Interval-Milliseconds; a
//     `remaining` of 0 or a 429 that is a real limit (remaining 0) blocks
//     the location until its oldest send in the window ages out (the server
//     may count requests this process did not send, e.g. another replica);
//     X-RateLimit-Daily-Remaining sets the daily count, decremented locally
//     per send in between.
//   - When the daily count is spent, Reserve() fails fast with
//     RESOURCE_EXHAUSTED carrying kRetryDelayPayload (the time to the next
//     UTC midnight: GHL does not document its reset, and this is when the
//     sandbox and the per-day limit reset).
//
// Keys that never answered start with the configured defaults (GHL's
// documented limits), so the first burst of a fresh gateway is paced too.
//
// Thread-safety: safe for concurrent use (one internal lock, never held
// while sleeping). Time is passed in; nothing here sleeps.
#ifndef GHL_ADAPTERS_GHL_CORE_RATE_BUDGET_H_
#define GHL_ADAPTERS_GHL_CORE_RATE_BUDGET_H_

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ghl {

/// Payload on a RESOURCE_EXHAUSTED status: milliseconds (decimal text) after
/// which the caller may try again. The gRPC layer turns it into a
/// google.rpc.RetryInfo detail.
inline constexpr char kRetryDelayPayload[] = "ghl.retry_delay_ms";

/// The retry delay a status carries (kRetryDelayPayload), if any.
std::optional<absl::Duration> RetryDelay(const absl::Status& status);

/// Limits assumed for a key until its first answer, and pacing settings.
struct RateBudgetConfig {
  /// X-RateLimit-Max before any answer was seen.
  int64_t max_per_interval = 100;
  /// X-RateLimit-Interval-Milliseconds before any answer was seen.
  absl::Duration interval = absl::Seconds(10);
  /// Added to every window-derived send time: requests reach GHL with
  /// varying delay, and a send exactly one interval after another can land
  /// inside GHL's window. 1% of the interval costs 1% of throughput.
  absl::Duration margin = absl::Milliseconds(100);
  /// How long a 429 without usable headers blocks the key.
  absl::Duration blocked_after_429 = absl::Seconds(1);
};

/// GHL's rate-limit headers of one answer (absent values are -1).
struct RateLimitHeaders {
  int64_t max = -1;
  int64_t remaining = -1;
  int64_t interval_ms = -1;
  int64_t daily_limit = -1;
  int64_t daily_remaining = -1;
};

/// What a key's budget looks like now (for logs, tests, stats).
struct RateBudgetSnapshot {
  int64_t max_per_interval = 0;
  absl::Duration interval;
  int64_t sends_in_window = 0;
  /// -1 while unknown (no answer with daily headers yet).
  int64_t daily_remaining = -1;
  absl::Time blocked_until = absl::InfinitePast();
};

/// The per-key request budget. See the file comment.
class RateBudget {
 public:
  explicit RateBudget(RateBudgetConfig config = {});

  /// Reserves one request of `key` and returns when it may be sent (`now`
  /// or later; the caller waits until then).
  /// @return RESOURCE_EXHAUSTED with kRetryDelayPayload when the key's daily
  ///         budget is spent (nothing reserved).
  absl::StatusOr<absl::Time> Reserve(absl::string_view key, absl::Time now);

  /// When one more request of `key` could be sent, without reserving it
  /// (`now` when the daily budget is spent: Reserve then fails at once).
  /// Lets a caller wait without holding a thread, then Reserve.
  absl::Time EarliestSend(absl::string_view key, absl::Time now);

  /// Returns an unused reservation (the request was never sent), so it does
  /// not count against the window or the daily budget.
  void Release(absl::string_view key, absl::Time send_time);

  /// Feeds back one answer of `key` received at `now`.
  /// @param http_code the answer's status (429 blocks as described above).
  void Observe(absl::string_view key, absl::Time now, int http_code,
               const RateLimitHeaders& headers);

  /// The key's current state.
  RateBudgetSnapshot Snapshot(absl::string_view key, absl::Time now);

 private:
  struct Bucket {
    int64_t max_per_interval = 0;
    absl::Duration interval;
    std::deque<absl::Time> sends;  // handed-out send times, oldest first
    absl::Time blocked_until = absl::InfinitePast();
    int64_t daily_remaining = -1;
    int64_t daily_day = -1;  // UTC day the daily count belongs to
  };
  Bucket& BucketFor(absl::string_view key);    // requires mu_
  void Prune(Bucket& bucket, absl::Time now);  // requires mu_
  absl::Time NextSlot(const Bucket& bucket, absl::Time now) const;  // requires mu_

  const RateBudgetConfig config_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace ghl

#endif  // GHL_ADAPTERS_GHL_CORE_RATE_BUDGET_H_
