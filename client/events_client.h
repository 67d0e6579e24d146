// EventsClient: the gateway's EventsService.WatchEvents as a callback
// loop that survives broken connections, in the style of
// ContactsClient::ExportContacts.
//
// Watch delivers each event once, in offset order: it remembers the largest
// read_offset received (an event's or a heartbeat's) and, when the stream
// breaks with UNAVAILABLE (a dropped connection, a gateway restart or
// shutdown), reopens it with after_offset = that offset after the
// ExportRetryPolicy backoff; a message at or below it is never passed on
// again. Together with a caller that stores the offset of the last message
// it handled (ghlctl watch --offset-file) this is at-least-once delivery
// with no duplicates in one run.
//
// Threading: Watch blocks the calling thread and runs the callbacks on it;
// `stop` is polled from a helper thread (every 100 ms) and cancels the
// stream when it returns true. Ownership: shares its stub and clock.
#ifndef GHL_CLIENT_EVENTS_CLIENT_H_
#define GHL_CLIENT_EVENTS_CLIENT_H_

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "client/clock.h"
#include "client/contacts_client.h"
#include "ghl/contacts/v1/events_service.grpc.pb.h"

namespace ghl::client {

/// Receives each message of the watch once (event set) or a heartbeat
/// (event unset, read_offset moved on). A non-OK return ends the watch with
/// that status.
using WatchSink = std::function<absl::Status(const ghl::contacts::v1::WatchEventsResponse&)>;

class EventsClient {
 public:
  /// @param stub must not be null. @param clock sleeps the backoff (null:
  ///        the real clock). @param retry the reconnect policy; a delivered
  ///        message resets its count of failures in a row.
  EventsClient(std::shared_ptr<ghl::contacts::v1::EventsService::StubInterface> stub,
               std::shared_ptr<Clock> clock, ExportRetryPolicy retry = {});

  /// Streams `request` (after_offset is the starting point) into `sink`.
  /// @param stop optional; true ends the watch (OK).
  /// A follow (not stop_at_end) watch is a `tail -f`: it never gives up on
  /// UNAVAILABLE, and a reconnect waits for the channel to be ready
  /// (wait_for_ready) instead of failing fast through gRPC's own connect
  /// backoff, so a gateway restart of any length is followed.
  /// @return OK when a stop_at_end stream completed or `stop` said so; the
  ///         sink's error; the first non-UNAVAILABLE error; for stop_at_end,
  ///         UNAVAILABLE after max_attempts failed attempts in a row (naming
  ///         the offset to resume after).
  absl::Status Watch(const ghl::contacts::v1::WatchEventsRequest& request, const WatchSink& sink,
                     const std::function<bool()>& stop = nullptr) const;

 private:
  std::shared_ptr<ghl::contacts::v1::EventsService::StubInterface> stub_;
  std::shared_ptr<Clock> clock_;
  ExportRetryPolicy retry_;
};

}  // namespace ghl::client

#endif  // GHL_CLIENT_EVENTS_CLIENT_H_
