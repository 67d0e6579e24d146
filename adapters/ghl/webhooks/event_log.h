// EventLog: the gateway's durable, ordered log of accepted webhook events.
// The listener answers GHL 200 only after Append returned OK, so an event in
// the log is never lost; WatchEvents streams from it by offset.
//
// - Offsets are assigned by the log: 1, 2, 3... in commit order, no gaps, so
//   "every event with offset > N" is a complete resume point.
// - Dedupe: an event whose webhook_id (or, without one, the SHA-256 of its
//   raw body) is already logged is not written again; Append reports the
//   original offset with duplicate = true.
// - SQLite backend: its own file (mode 0600), WAL, synchronous=FULL (a
//   committed append survives SIGKILL and power loss). Appends that arrive
//   together are committed in one transaction (group commit): each caller
//   still returns only once its own event is durable.
// - An append that cannot be made durable (disk full, database locked or
//   read-only, I/O error) returns UNAVAILABLE; nothing is acknowledged, and
//   the listener answers 429 so GHL retries.
//
// Thread-safety: every method is safe for concurrent use.
#ifndef GHL_ADAPTERS_GHL_WEBHOOKS_EVENT_LOG_H_
#define GHL_ADAPTERS_GHL_WEBHOOKS_EVENT_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ghl/contacts/v1/events_service.pb.h"

namespace ghl::webhooks {

struct AppendResult {
  int64_t offset = 0;      ///< the event's offset (the original one if duplicate)
  bool duplicate = false;  ///< already logged; nothing was written
};

struct ReadResult {
  /// Matching events, oldest first.
  std::vector<ghl::contacts::v1::Event> events;
  /// The largest offset this read examined, matching or not (>= the last
  /// event's offset); the next read starts after it.
  int64_t read_offset = 0;
};

/// What the log holds for one location (ghlctl doctor's webhook check).
struct LocationSummary {
  int64_t events = 0;  ///< events of the location
  /// When the newest of them was received (InfinitePast: none).
  absl::Time last_receive_time = absl::InfinitePast();
};

class EventLog {
 public:
  virtual ~EventLog() = default;

  /// Appends `event` (its `offset` is ignored and assigned) with the raw body
  /// it was parsed from, durably, before returning.
  /// @return UNAVAILABLE when the log cannot make it durable.
  virtual absl::StatusOr<AppendResult> Append(ghl::contacts::v1::Event event,
                                              absl::string_view raw_body) = 0;

  /// Up to `limit` events of `location_id` (every location if empty) whose
  /// type is in `types` (every type if empty) with offset > after_offset.
  virtual absl::StatusOr<ReadResult> Read(absl::string_view location_id,
                                          const std::vector<ghl::contacts::v1::EventType>& types,
                                          int64_t after_offset, int limit) = 0;

  /// How many events of `location_id` the log holds, and the newest one's
  /// receive time.
  virtual absl::StatusOr<LocationSummary> Summarize(absl::string_view location_id) = 0;

  /// The offset of the newest event (0 when empty).
  virtual int64_t LastOffset() = 0;

  /// Calls `listener(last_offset)` after each commit that added events
  /// (from the committing thread: keep it short, never block). Used by
  /// WatchEvents to wake followers without holding a thread per stream.
  /// @return an id for Unsubscribe.
  virtual int Subscribe(std::function<void(int64_t last_offset)> listener) = 0;
  /// After it returns, the listener is not running and is never called again.
  virtual void Unsubscribe(int id) = 0;
};

/// Opens (creating with mode 0600) the SQLite event log at `path`.
/// @return UNAVAILABLE naming the file when it cannot be opened or is not an
///         event log.
absl::StatusOr<std::unique_ptr<EventLog>> OpenSqliteEventLog(const std::string& path);

/// An in-memory log with the same semantics (tests, and a gateway run
/// without a state directory, where it says events do not survive a restart).
std::unique_ptr<EventLog> NewInMemoryEventLog();

}  // namespace ghl::webhooks

#endif  // GHL_ADAPTERS_GHL_WEBHOOKS_EVENT_LOG_H_
