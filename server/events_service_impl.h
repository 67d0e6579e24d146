// EventsServiceImpl: the gRPC EventsService over the gateway's webhook
// EventLog (adapters/ghl/webhooks/event_log.h).
//
// WatchEvents is a ServerWriteReactor that never holds a thread while it
// waits: it reads the log in batches (on the worker pool, SQLite being I/O),
// writes one event per message (read_offset = the event's offset), and when
// caught up either ends (stop_at_end: once the offset that was last when the
// call started is reached, after a heartbeat if filtered-out events moved
// the read position past the last event sent) or parks until the log's
// commit notification (one EventLog::Subscribe for the whole service) says
// there is more. A parked stream sends a heartbeat (event unset,
// read_offset set) every `heartbeat`, so a filtered watcher can advance its
// resume offset. A cancelled call finishes at once (OnCancel); a gateway
// shutdown (StartDraining) ends every stream at its next message boundary
// with UNAVAILABLE naming the offset to resume after.
//
// Errors: INVALID_ARGUMENT naming `location_id`, `after_offset` or
// `event_types`; FAILED_PRECONDITION when the gateway has no event log;
// caller auth (server/caller_auth.h) as for every service; a log read error
// as its status.
//
// Thread-safety: one instance serves all calls concurrently. The log and
// the pool must outlive the gRPC server; the instance must outlive the pool
// (pending heartbeat timers run when the pool is destroyed).
#ifndef GHL_SERVER_EVENTS_SERVICE_IMPL_H_
#define GHL_SERVER_EVENTS_SERVICE_IMPL_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

#include "absl/time/time.h"
#include "adapters/ghl/webhooks/event_log.h"
#include "ghl/contacts/v1/events_service.grpc.pb.h"
#include "server/worker_pool.h"

namespace ghl::server {

class EventWatch;  // one WatchEvents call (events_service_impl.cc)

struct EventsServiceOptions {
  /// Heartbeat period of a caught-up stream (--watch-heartbeat-s).
  absl::Duration heartbeat = absl::Seconds(15);
  /// Events read from the log at a time.
  int batch = 256;
};

class EventsServiceImpl final : public ghl::contacts::v1::EventsService::CallbackService {
 public:
  /// @param log null: every call is FAILED_PRECONDITION (no --event-log).
  EventsServiceImpl(std::shared_ptr<ghl::webhooks::EventLog> log, WorkerPool* pool,
                    EventsServiceOptions options = {});
  ~EventsServiceImpl() override;

  /// Graceful shutdown: every stream ends at its next message boundary with
  /// UNAVAILABLE ("resume with after_offset = N"); new calls are refused.
  void StartDraining();

  grpc::ServerWriteReactor<ghl::contacts::v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context,
      const ghl::contacts::v1::WatchEventsRequest* request) override;

 private:
  friend class EventWatch;
  // Called by the log after each commit (never blocks long).
  void OnCommit(int64_t last_offset);
  void Register(EventWatch* watch);
  void Unregister(EventWatch* watch);

  std::shared_ptr<ghl::webhooks::EventLog> log_;
  WorkerPool* pool_;
  EventsServiceOptions options_;
  int subscription_ = -1;
  std::atomic<bool> draining_{false};
  // Lock order: mu_ before an EventWatch's own mutex, never the reverse.
  std::mutex mu_;
  std::set<EventWatch*> watches_;  // guarded by mu_
};

}  // namespace ghl::server

#endif  // GHL_SERVER_EVENTS_SERVICE_IMPL_H_
