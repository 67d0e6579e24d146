#include "adapters/ghl/core/retry.h"

#include <algorithm>
#include <random>

#include "absl/strings/cord.h"
#include "absl/synchronization/mutex.h"

namespace ghl {

absl::Status MarkNotSent(absl::Status status) {
  status.SetPayload(kNotSentPayload, absl::Cord("1"));
  return status;
}

bool IsNotSent(const absl::Status& status) {
  return status.GetPayload(kNotSentPayload).has_value();
}

bool RetryPolicy::IsTransient(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable;
}

ExponentialBackoff::ExponentialBackoff(absl::Duration initial, absl::Duration max,
                                       double multiplier, std::function<double()> rng,
                                       double floor_fraction)
    : current_(initial),
      max_(max),
      multiplier_(multiplier),
      rng_(std::move(rng)),
      floor_fraction_(std::clamp(floor_fraction, 0.0, 1.0)) {}

absl::Duration ExponentialBackoff::NextDelay() {
  const absl::Duration cap = std::min(current_, max_);
  const double u = rng_ ? std::clamp(rng_(), 0.0, 1.0) : 1.0;
  const absl::Duration delay = cap * (floor_fraction_ + (1.0 - floor_fraction_) * u);
  current_ = std::min(current_ * multiplier_, max_);
  return delay;
}

std::function<double()> DefaultJitterSource() {
  struct Shared {
    absl::Mutex mu;
    std::mt19937_64 gen{std::random_device{}()};
  };
  static auto* shared = new Shared();
  return [] {
    absl::MutexLock lock(&shared->mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(shared->gen);
  };
}

}  // namespace ghl
