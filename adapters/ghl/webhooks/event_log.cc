// The in-memory EventLog and the helpers both logs share.
#include "adapters/ghl/webhooks/event_log.h"

#include <algorithm>
#include <mutex>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "adapters/ghl/webhooks/event_log_internal.h"
#include "adapters/ghl/webhooks/openssl_keys.h"

namespace ghl::webhooks {
namespace internal {

std::string DedupeKey(const ghl::contacts::v1::Event& event, absl::string_view raw_body) {
  if (!event.webhook_id().empty()) return event.webhook_id();
  return absl::StrCat("sha256:", Sha256Hex(raw_body));
}

absl::Status CheckReadArguments(int64_t after_offset, int limit) {
  if (limit < 1) return absl::InvalidArgumentError(absl::StrCat("limit ", limit, " is below 1"));
  if (after_offset < 0) {
    return absl::InvalidArgumentError(absl::StrCat("after_offset ", after_offset, " is negative"));
  }
  return absl::OkStatus();
}

bool TypeMatches(const std::vector<ghl::contacts::v1::EventType>& types,
                 ghl::contacts::v1::EventType type) {
  return types.empty() || std::find(types.begin(), types.end(), type) != types.end();
}

int Listeners::Subscribe(std::function<void(int64_t)> listener) {
  std::lock_guard<std::mutex> lock(mu_);
  const int id = next_id_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void Listeners::Unsubscribe(int id) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.erase(id);
}

void Listeners::Notify(int64_t last_offset) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, listener] : listeners_) listener(last_offset);
}

}  // namespace internal

namespace {

namespace v1 = ::ghl::contacts::v1;

class InMemoryEventLog final : public EventLog {
 public:
  absl::StatusOr<AppendResult> Append(v1::Event event, absl::string_view raw_body) override {
    AppendResult result;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const std::string key = internal::DedupeKey(event, raw_body);
      const auto [it, inserted] = offsets_.emplace(key, events_.size() + 1);
      result.offset = it->second;
      result.duplicate = !inserted;
      if (inserted) {
        event.set_offset(result.offset);
        events_.push_back(std::move(event));
      }
    }
    if (!result.duplicate) listeners_.Notify(result.offset);
    return result;
  }

  absl::StatusOr<ReadResult> Read(absl::string_view location_id,
                                  const std::vector<v1::EventType>& types, int64_t after_offset,
                                  int limit) override {
    if (auto s = internal::CheckReadArguments(after_offset, limit); !s.ok()) return s;
    std::lock_guard<std::mutex> lock(mu_);
    ReadResult out;
    out.read_offset = after_offset;
    for (int64_t offset = after_offset + 1; offset <= static_cast<int64_t>(events_.size());
         ++offset) {
      const v1::Event& event = events_[offset - 1];
      out.read_offset = offset;
      if ((location_id.empty() || event.location_id() == location_id) &&
          internal::TypeMatches(types, event.type())) {
        out.events.push_back(event);
        if (static_cast<int>(out.events.size()) == limit) break;
      }
    }
    return out;
  }

  absl::StatusOr<LocationSummary> Summarize(absl::string_view location_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    LocationSummary out;
    for (const v1::Event& event : events_) {
      if (event.location_id() != location_id) continue;
      ++out.events;
      out.last_receive_time = std::max(
          out.last_receive_time, absl::FromUnixMillis(google::protobuf::util::TimeUtil::TimestampToMilliseconds(
                                     event.receive_time())));
    }
    return out;
  }

  int64_t LastOffset() override {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int64_t>(events_.size());
  }

  int Subscribe(std::function<void(int64_t)> listener) override {
    return listeners_.Subscribe(std::move(listener));
  }
  void Unsubscribe(int id) override { listeners_.Unsubscribe(id); }

 private:
  std::mutex mu_;
  std::vector<v1::Event> events_;  // events_[i] has offset i + 1
  absl::flat_hash_map<std::string, int64_t> offsets_;
  internal::Listeners listeners_;
};

}  // namespace

std::unique_ptr<EventLog> NewInMemoryEventLog() { return std::make_unique<InMemoryEventLog>(); }

}  // namespace ghl::webhooks
