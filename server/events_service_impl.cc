#include "server/events_service_impl.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/caller_auth.h"
#include "server/grpc_status.h"
#include "server/request_validation.h"

namespace ghl::server {

namespace v1 = ::ghl::contacts::v1;

namespace {

absl::Status ValidateWatch(const v1::WatchEventsRequest& request) {
  if (auto s = ValidateId("location_id", request.location_id()); !s.ok()) return s;
  if (request.after_offset() < 0) {
    return absl::InvalidArgumentError("after_offset: must not be negative");
  }
  for (int i = 0; i < request.event_types_size(); ++i) {
    // EVENT_TYPE_UNSPECIFIED is a real filter: the types the gateway does
    // not model yet (kept with their payload in `extra`).
    if (!v1::EventType_IsValid(request.event_types(i))) {
      return absl::InvalidArgumentError(absl::StrCat("event_types[", i, "]: unknown event type ",
                                                     request.event_types(i)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

// One WatchEvents call; see the header. Everything below mu_ is guarded by
// it. At most one log read and one write are in flight; the call finishes
// only when neither is, so a read never outlives the reactor. The heartbeat
// timer may: the reactor is deleted by whichever of OnDone and the timer
// comes last.
class EventWatch final : public grpc::ServerWriteReactor<v1::WatchEventsResponse> {
 public:
  EventWatch(EventsServiceImpl* service, grpc::CallbackServerContext* context,
             const v1::WatchEventsRequest* request)
      : service_(service), context_(context), request_(request) {
    if (auto denied = CallerDenied(context)) {
      FinishNow(*denied);
      return;
    }
    if (auto s = ValidateWatch(*request); !s.ok()) {
      FinishNow(ToGrpcStatus(s));
      return;
    }
    if (!service->log_) {
      FinishNow(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                             "this gateway has no event log (--event-log)"));
      return;
    }
    for (int t : request->event_types()) types_.push_back(static_cast<v1::EventType>(t));
    after_ = sent_offset_ = request->after_offset();
    latest_ = service->log_->LastOffset();
    end_ = request->stop_at_end() ? latest_ : -1;
    service->Register(this);
    std::unique_lock<std::mutex> lock(mu_);
    AdvanceLocked(lock);
  }

  // From the log's committing thread (through the service, under its mu_).
  void Notify(int64_t last_offset) {
    std::unique_lock<std::mutex> lock(mu_);
    latest_ = std::max(latest_, last_offset);
    if (waiting_) AdvanceLocked(lock);
  }

  // The gateway is shutting down (under the service's mu_).
  void Drain() {
    std::unique_lock<std::mutex> lock(mu_);
    draining_ = true;
    if (waiting_) AdvanceLocked(lock);
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock<std::mutex> lock(mu_);
    write_pending_ = false;
    if (!ok) {
      if (!final_) final_ = grpc::Status(grpc::StatusCode::CANCELLED, "the caller stopped reading");
    } else {
      sent_offset_ = writing_.read_offset();
    }
    AdvanceLocked(lock);
  }

  void OnCancel() override {
    std::unique_lock<std::mutex> lock(mu_);
    if (!final_) final_ = grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the caller");
    AdvanceLocked(lock);
  }

  void OnDone() override {
    service_->Unregister(this);
    std::unique_lock<std::mutex> lock(mu_);
    done_ = true;
    if (heartbeat_armed_) return;  // the timer deletes it
    lock.unlock();
    delete this;
  }

 private:
  void FinishNow(const grpc::Status& status) {
    finished_ = true;
    Finish(status);
  }

  // Decides the next step when something changed (requires mu_ via `lock`;
  // may release it). Nothing happens while a read or a write is in flight:
  // its completion calls this again.
  void AdvanceLocked(std::unique_lock<std::mutex>& lock) {
    waiting_ = false;
    if (finished_ || write_pending_ || read_running_) return;
    if (final_) {
      FinishLocked(lock);
      return;
    }
    if (draining_ || service_->draining_.load()) {
      final_ = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            absl::StrCat("ghl-gateway is shutting down; resume with after_offset = ",
                                         sent_offset_));
      FinishLocked(lock);
      return;
    }
    if (!queue_.empty()) {
      writing_.Clear();
      *writing_.mutable_event() = std::move(queue_.front());
      queue_.pop_front();
      writing_.set_read_offset(writing_.event().offset());
      StartWriteLocked(lock);
      return;
    }
    if (end_ >= 0 && after_ >= end_) {
      if (sent_offset_ < after_) {  // filtered-out events: say how far it read
        WriteHeartbeatLocked(lock);
        return;
      }
      final_ = grpc::Status::OK;
      FinishLocked(lock);
      return;
    }
    if (latest_ > after_) {
      read_running_ = true;
      if (!service_->pool_->Post([this] { ReadBatch(); })) {
        read_running_ = false;
        final_ = grpc::Status(grpc::StatusCode::UNAVAILABLE, "ghl-gateway is shutting down");
        FinishLocked(lock);
      }
      return;
    }
    // Caught up: park until a commit notification, a heartbeat, a cancel or
    // a shutdown.
    waiting_ = true;
    if (!heartbeat_armed_) {
      heartbeat_armed_ = service_->pool_->PostAt(
          std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(service_->options_.heartbeat),
          [this] { OnHeartbeat(); });
    }
  }

  void StartWriteLocked(std::unique_lock<std::mutex>& lock) {
    write_pending_ = true;
    lock.unlock();
    StartWrite(&writing_);
  }

  void WriteHeartbeatLocked(std::unique_lock<std::mutex>& lock) {
    writing_.Clear();
    writing_.set_read_offset(after_);
    StartWriteLocked(lock);
  }

  void FinishLocked(std::unique_lock<std::mutex>& lock) {
    finished_ = true;
    const grpc::Status status = *final_;
    lock.unlock();
    Finish(status);
  }

  // On the pool timer.
  void OnHeartbeat() {
    std::unique_lock<std::mutex> lock(mu_);
    heartbeat_armed_ = false;
    if (done_) {
      lock.unlock();
      delete this;
      return;
    }
    // Only a parked stream (nothing in flight) sends one; AdvanceLocked
    // arms the next when it parks again after the write.
    if (waiting_ && !finished_) {
      waiting_ = false;
      WriteHeartbeatLocked(lock);
    }
  }

  // On the pool: one batch after after_.
  void ReadBatch() {
    int64_t after;
    {
      std::lock_guard<std::mutex> lock(mu_);
      after = after_;
    }
    ghl::webhooks::EventLog& log = *service_->log_;
    // Everything committed up to `last` is visible to the read below.
    const int64_t last = log.LastOffset();
    const int limit = std::max(1, service_->options_.batch);
    auto result = log.Read(request_->location_id(), types_, after, limit);
    std::unique_lock<std::mutex> lock(mu_);
    read_running_ = false;
    if (!result.ok()) {
      if (!final_) final_ = ToGrpcStatus(result.status());
    } else {
      int64_t next = std::max(after, result->read_offset);
      if (!result->events.empty()) next = std::max(next, result->events.back().offset());
      // A short read examined everything committed before it started.
      if (static_cast<int>(result->events.size()) < limit) next = std::max(next, last);
      after_ = next;
      latest_ = std::max(latest_, last);
      for (auto& e : result->events) queue_.push_back(std::move(e));
    }
    AdvanceLocked(lock);
  }

  EventsServiceImpl* service_;
  grpc::CallbackServerContext* context_;
  const v1::WatchEventsRequest* request_;
  std::vector<v1::EventType> types_;

  std::mutex mu_;
  int64_t after_ = 0;        // every event <= after_ has been read
  int64_t sent_offset_ = 0;  // read_offset of the last message delivered
  int64_t latest_ = 0;       // the largest committed offset known
  int64_t end_ = -1;         // stop_at_end: the last offset when the call started
  std::deque<v1::Event> queue_;  // read, not yet written
  v1::WatchEventsResponse writing_;
  std::optional<grpc::Status> final_;
  bool write_pending_ = false;
  bool read_running_ = false;
  bool waiting_ = false;
  bool heartbeat_armed_ = false;
  bool draining_ = false;
  bool finished_ = false;
  bool done_ = false;
};

EventsServiceImpl::EventsServiceImpl(std::shared_ptr<ghl::webhooks::EventLog> log, WorkerPool* pool,
                                     EventsServiceOptions options)
    : log_(std::move(log)), pool_(pool), options_(options) {
  if (log_) subscription_ = log_->Subscribe([this](int64_t last) { OnCommit(last); });
}

EventsServiceImpl::~EventsServiceImpl() {
  if (log_ && subscription_ >= 0) log_->Unsubscribe(subscription_);
}

void EventsServiceImpl::StartDraining() {
  draining_.store(true);
  std::lock_guard<std::mutex> lock(mu_);
  for (EventWatch* w : watches_) w->Drain();
}

void EventsServiceImpl::OnCommit(int64_t last_offset) {
  std::lock_guard<std::mutex> lock(mu_);
  for (EventWatch* w : watches_) w->Notify(last_offset);
}

void EventsServiceImpl::Register(EventWatch* watch) {
  std::lock_guard<std::mutex> lock(mu_);
  watches_.insert(watch);
}

void EventsServiceImpl::Unregister(EventWatch* watch) {
  std::lock_guard<std::mutex> lock(mu_);
  watches_.erase(watch);
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* EventsServiceImpl::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  return new EventWatch(this, context, request);
}

}  // namespace ghl::server
