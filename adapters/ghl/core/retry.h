// Retry policy, backoff and the retry loop: three small value objects, kept
// apart so each is tested alone (google-cloud-cpp's shape).
//
// - RetryPolicy says which failures are transient and how many attempts /
//   how much time one call may use in all.
// - ExponentialBackoff says how long to wait before attempt n, with full
//   jitter from an injected random source.
// - Idempotency says whether a failed write may be sent again.
// - RetryLoop runs a callable under all three with an injected Clock.
//
// Thread-safety: policies are values; copy one per call. RetryLoop is a pure
// function of its arguments.
#ifndef GHL_ADAPTERS_GHL_CORE_RETRY_H_
#define GHL_ADAPTERS_GHL_CORE_RETRY_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "adapters/ghl/core/clock.h"

namespace ghl {

/// Whether an operation may be sent again after a failure that may have
/// reached the upstream.
enum class Idempotency { kIdempotent, kNonIdempotent };

/// Payload key set on a status whose request was surely never sent (connect
/// failure, DNS): even non-idempotent writes may retry those.
inline constexpr char kNotSentPayload[] = "ghl.not_sent";

/// Marks `status` as "the request never left this process".
absl::Status MarkNotSent(absl::Status status);
/// True if MarkNotSent was applied.
bool IsNotSent(const absl::Status& status);

/// Which failures retry, and the budget of one call.
struct RetryPolicy {
  /// Attempts in all, including the first. 1 disables retries.
  int max_attempts = 6;
  /// Wall time one call may spend in all, including waits.
  absl::Duration max_elapsed = absl::Seconds(60);
  /// True for transient failures (UNAVAILABLE: 408, 429, 5xx, transport).
  static bool IsTransient(const absl::Status& status);
};

/// Exponential backoff with full jitter: attempt n waits a uniform random
/// duration in [0, min(max, initial * multiplier^n)], but never less than
/// `floor_fraction` of that cap (so waits are not all near zero).
class ExponentialBackoff {
 public:
  /// @param rng returns uniform doubles in [0, 1); injected for tests.
  ExponentialBackoff(absl::Duration initial, absl::Duration max, double multiplier,
                     std::function<double()> rng, double floor_fraction = 0.5);
  /// The wait before the next retry.
  absl::Duration NextDelay();
  /// The cap of the next delay (no jitter), for tests and logs.
  absl::Duration CurrentCap() const { return current_; }

 private:
  absl::Duration current_;
  absl::Duration max_;
  double multiplier_;
  std::function<double()> rng_;
  double floor_fraction_;
};

/// A thread-safe uniform [0,1) source seeded from the OS.
std::function<double()> DefaultJitterSource();

/// Runs `attempt` until it succeeds, fails permanently, or the policy is
/// spent. `attempt` returns StatusOr<T>. The last error is returned, with the
/// attempt count appended when more than one attempt was made. Retrying stops
/// once `cancelled` says so or the next wait would end past `call_deadline`.
template <typename T>
absl::StatusOr<T> RetryLoop(const RetryPolicy& policy, ExponentialBackoff backoff,
                            Idempotency idempotency, Clock& clock,
                            const std::function<absl::StatusOr<T>()>& attempt,
                            const std::function<bool()>& cancelled = nullptr,
                            absl::Time call_deadline = absl::InfiniteFuture()) {
  // The caller's own deadline bounds the retries too: no wait ends past it.
  const absl::Time deadline = std::min(clock.Now() + policy.max_elapsed, call_deadline);
  absl::Status last;
  int n = 0;
  while (true) {
    ++n;
    absl::StatusOr<T> result = attempt();
    if (result.ok()) return result;
    last = result.status();
    const bool may_retry =
        RetryPolicy::IsTransient(last) &&
        (idempotency == Idempotency::kIdempotent || IsNotSent(last));
    if (!may_retry) break;
    if (n >= policy.max_attempts) break;
    if (cancelled && cancelled()) break;
    absl::Duration wait = backoff.NextDelay();
    if (clock.Now() + wait > deadline) break;
    clock.SleepFor(wait);
    if (cancelled && cancelled()) break;
  }
  if (n == 1) return last;
  absl::Status out(last.code(), absl::StrCat(last.message(), " (after ", n, " attempts)"));
  last.ForEachPayload([&out](absl::string_view k, const absl::Cord& v) { out.SetPayload(k, v); });
  return out;
}

}  // namespace ghl

#endif  // GHL_ADAPTERS_GHL_CORE_RETRY_H_
