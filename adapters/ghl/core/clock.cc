#include "adapters/ghl/core/clock.h"

#include "absl/time/clock.h"

namespace ghl {

absl::Time RealClock::Now() { return absl::Now(); }

void RealClock::SleepFor(absl::Duration d) {
  if (d > absl::ZeroDuration()) absl::SleepFor(d);
}

Clock& DefaultClock() {
  static auto* clock = new RealClock();
  return *clock;
}

absl::Time FakeClock::Now() {
  absl::MutexLock lock(&mu_);
  return now_;
}

void FakeClock::SleepFor(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  sleeps_.push_back(d);
  now_ += d;
}

void FakeClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&mu_);
  now_ += d;
}

std::vector<absl::Duration> FakeClock::Sleeps() {
  absl::MutexLock lock(&mu_);
  return sleeps_;
}

}  // namespace ghl
