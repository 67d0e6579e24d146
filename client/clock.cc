#include "client/clock.h"

#include <chrono>
#include <thread>

namespace ghl::client {
namespace {

class DefaultClock final : public Clock {
 public:
  absl::Time Now() override {
    // steady_clock, not the wall clock: rates and ETAs must not jump when NTP
    // adjusts the system time.
    return absl::UnixEpoch() + absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
  }

  void Sleep(absl::Duration duration) override {
    if (duration <= absl::ZeroDuration()) return;
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(duration));
  }
};

}  // namespace

std::shared_ptr<Clock> MakeDefaultClock() {
  static const auto* const kClock = new std::shared_ptr<Clock>(std::make_shared<DefaultClock>());
  return *kClock;
}

WallClock MakeWallClock() {
  return [] { return absl::FromChrono(std::chrono::system_clock::now()); };
}

}  // namespace ghl::client
