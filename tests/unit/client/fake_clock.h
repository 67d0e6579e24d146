// FakeClock: a manual Clock for the client tests. Sleep() records the
// requested duration and advances time instantly. Thread-safe (a fake
// gateway thread may advance it while the client reads it).
#ifndef GHL_TESTS_UNIT_CLIENT_FAKE_CLOCK_H_
#define GHL_TESTS_UNIT_CLIENT_FAKE_CLOCK_H_

#include <vector>

#include "absl/synchronization/mutex.h"
#include "client/clock.h"

namespace ghl::client::testing {

class FakeClock final : public Clock {
 public:
  absl::Time Now() override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Sleep(absl::Duration duration) override {
    absl::MutexLock lock(&mu_);
    sleeps_.push_back(duration);
    now_ += duration;
  }
  void Advance(absl::Duration duration) {
    absl::MutexLock lock(&mu_);
    now_ += duration;
  }
  std::vector<absl::Duration> sleeps() {
    absl::MutexLock lock(&mu_);
    return sleeps_;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_ = absl::UnixEpoch() + absl::Hours(1000);
  std::vector<absl::Duration> sleeps_;
};

}  // namespace ghl::client::testing

#endif  // GHL_TESTS_UNIT_CLIENT_FAKE_CLOCK_H_
