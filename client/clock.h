// Clock: the client's only source of time and of sleeping.
//
// Why: the export reconnect loop sleeps between attempts and the progress
// renderer computes rates and ETAs; both take a Clock so tests drive time with
// a fake and never sleep for real (design.md, "Inject clock and randomness").
//
// Threading: implementations must be safe to call from several threads.
// Ownership: shared (std::shared_ptr) by the objects that use it.
#ifndef GHL_CLIENT_CLOCK_H_
#define GHL_CLIENT_CLOCK_H_

#include <functional>
#include <memory>

#include "absl/time/time.h"

namespace ghl::client {

/// A monotonic clock that can also sleep.
class Clock {
 public:
  virtual ~Clock() = default;

  /// @return the current monotonic time. Only differences between two values
  ///         are meaningful; the epoch is arbitrary.
  virtual absl::Time Now() = 0;

  /// Blocks the calling thread for `duration` (no-op if not positive).
  virtual void Sleep(absl::Duration duration) = 0;
};

/// @return the process-wide real clock (std::chrono::steady_clock based).
std::shared_ptr<Clock> MakeDefaultClock();

/// Reads the wall clock (UTC); for timestamps compared with GHL's own
/// (ghlctl sync's dateUpdated cursor), never for durations.
using WallClock = std::function<absl::Time()>;

/// @return the system's wall clock.
WallClock MakeWallClock();

}  // namespace ghl::client

#endif  // GHL_CLIENT_CLOCK_H_
