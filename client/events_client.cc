#include "client/events_client.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "client/status_conversion.h"

namespace ghl::client {

namespace v1 = ::ghl::contacts::v1;

namespace {

// Cancels `context` once `stop` returns true; ends with the scope.
class StopWatcher {
 public:
  StopWatcher(grpc::ClientContext* context, const std::function<bool()>& stop) {
    if (!stop) return;
    thread_ = std::thread([this, context, stop] {
      std::unique_lock<std::mutex> lock(mu_);
      while (!done_) {
        if (stop()) {
          stopped_ = true;
          context->TryCancel();
          return;
        }
        cv_.wait_for(lock, std::chrono::milliseconds(100));
      }
    });
  }
  ~StopWatcher() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  bool stopped() {
    std::lock_guard<std::mutex> lock(mu_);
    return stopped_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace

EventsClient::EventsClient(std::shared_ptr<v1::EventsService::StubInterface> stub,
                           std::shared_ptr<Clock> clock, ExportRetryPolicy retry)
    : stub_(std::move(stub)), clock_(clock ? std::move(clock) : MakeDefaultClock()), retry_(retry) {}

absl::Status EventsClient::Watch(const v1::WatchEventsRequest& request, const WatchSink& sink,
                                 const std::function<bool()>& stop) const {
  int64_t offset = request.after_offset();
  int failures_in_a_row = 0;
  while (true) {
    if (stop && stop()) return absl::OkStatus();
    v1::WatchEventsRequest attempt = request;
    attempt.set_after_offset(offset);
    grpc::ClientContext context;
    const bool follow = !request.stop_at_end();
    // After a failure a follower waits for the gateway to be back rather
    // than failing fast while the channel is in its connect backoff.
    if (follow && failures_in_a_row > 0) context.set_wait_for_ready(true);
    absl::Status status;
    bool stopped = false;
    {
      StopWatcher watcher(&context, stop);
      std::unique_ptr<grpc::ClientReaderInterface<v1::WatchEventsResponse>> reader =
          stub_->WatchEvents(&context, attempt);
      v1::WatchEventsResponse message;
      absl::Status sink_status;
      while (reader->Read(&message)) {
        failures_in_a_row = 0;
        // A reconnect resumes after `offset`; anything not past it was
        // delivered already.
        if (message.read_offset() <= offset) continue;
        if (message.has_event() && message.event().offset() <= offset) continue;
        sink_status = sink(message);
        if (!sink_status.ok()) break;
        offset = message.read_offset();
      }
      if (!sink_status.ok()) {
        context.TryCancel();
        reader->Finish();
        return sink_status;
      }
      status = FromGrpcStatus(reader->Finish());
      stopped = watcher.stopped();
    }
    if (stopped) return absl::OkStatus();
    if (status.ok()) return status;  // stop_at_end reached
    // This client cancels only through `stop` (handled above); any other
    // CANCELLED came from the server's side, e.g. a call that reached a
    // gateway in its shutdown grace: as retryable as UNAVAILABLE (ghlctl
    // watch used to exit on it when the gateway restarted).
    if (status.code() != absl::StatusCode::kUnavailable &&
        status.code() != absl::StatusCode::kCancelled) {
      return status;
    }
    ++failures_in_a_row;
    if (!follow && failures_in_a_row >= retry_.max_attempts) {
      return absl::UnavailableError(absl::StrCat(status.message(), " (gave up after ",
                                                 failures_in_a_row,
                                                 " attempts in a row; resume after offset ",
                                                 offset, ")"));
    }
    clock_->Sleep(retry_.BackoffFor(failures_in_a_row));
  }
}

}  // namespace ghl::client
