// Time and sleeping, injected so retry and pagination tests never sleep for
// real and can assert the exact backoff sequence.
//
// Thread-safety: RealClock is stateless; FakeClock is safe to share between
// threads (internally locked).
#ifndef GHL_ADAPTERS_GHL_CORE_CLOCK_H_
#define GHL_ADAPTERS_GHL_CORE_CLOCK_H_

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace ghl {

/// A source of "now" and a way to wait.
class Clock {
 public:
  virtual ~Clock() = default;
  /// The current time.
  virtual absl::Time Now() = 0;
  /// Blocks the calling thread for `d` (or, in fakes, pretends to).
  virtual void SleepFor(absl::Duration d) = 0;
};

/// The wall clock. Use MakeRealClock() to share one instance.
class RealClock final : public Clock {
 public:
  absl::Time Now() override;
  void SleepFor(absl::Duration d) override;
};

/// The process-wide real clock (never destroyed).
Clock& DefaultClock();

/// A clock for tests: Now() moves only through Advance() or SleepFor(), and
/// every SleepFor() is recorded.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1700000000)) : now_(start) {}
  absl::Time Now() override;
  void SleepFor(absl::Duration d) override;
  /// Moves time forward without recording a sleep.
  void Advance(absl::Duration d);
  /// The sleeps so far, in order.
  std::vector<absl::Duration> Sleeps();

 private:
  absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Duration> sleeps_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ghl

#endif  // GHL_ADAPTERS_GHL_CORE_CLOCK_H_
