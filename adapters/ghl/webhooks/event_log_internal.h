// What the in-memory and SQLite event logs share (internal to
// adapters/ghl/webhooks): the dedupe key, argument checks, and the listener
// set behind Subscribe / Unsubscribe.
//
// Thread-safety: Listeners is safe for concurrent use; Notify runs the
// listeners under its own mutex, so Unsubscribe waits for a running call to
// finish (a listener must not call Subscribe/Unsubscribe itself).
#ifndef GHL_ADAPTERS_GHL_WEBHOOKS_EVENT_LOG_INTERNAL_H_
#define GHL_ADAPTERS_GHL_WEBHOOKS_EVENT_LOG_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ghl/contacts/v1/events_service.pb.h"

namespace ghl::webhooks::internal {

/// The event's webhook_id, or "sha256:" + hex SHA-256 of `raw_body` when it
/// has none.
std::string DedupeKey(const ghl::contacts::v1::Event& event, absl::string_view raw_body);

/// INVALID_ARGUMENT for a Read with limit < 1 or after_offset < 0.
absl::Status CheckReadArguments(int64_t after_offset, int limit);

/// Whether `type` passes a Read's type filter (empty = every type).
bool TypeMatches(const std::vector<ghl::contacts::v1::EventType>& types,
                 ghl::contacts::v1::EventType type);

class Listeners {
 public:
  int Subscribe(std::function<void(int64_t)> listener);
  void Unsubscribe(int id);
  /// Calls every listener with `last_offset`.
  void Notify(int64_t last_offset);

 private:
  std::mutex mu_;
  int next_id_ = 1;
  std::map<int, std::function<void(int64_t)>> listeners_;
};

}  // namespace ghl::webhooks::internal

#endif  // GHL_ADAPTERS_GHL_WEBHOOKS_EVENT_LOG_INTERNAL_H_
