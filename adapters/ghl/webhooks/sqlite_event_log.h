// SqliteEventLog: the durable EventLog (event_log.h) in its own SQLite file,
// exposed beyond OpenSqliteEventLog for its options and for tests.
//
// Table `events`: offset INTEGER PRIMARY KEY (1, 2, 3... assigned in commit
// order), dedupe_key TEXT UNIQUE (webhookId, or "sha256:" + hex of the raw
// body), location_id, type, receive_time (unix ms), event (the serialized
// Event, offset included), raw_body (the bytes GHL signed). Index on
// (location_id, offset). Table `event_log_meta` marks the file as an event
// log, so the state file (or any other database) is refused.
//
// Group commit: Append queues its event and waits; one committer thread
// takes everything queued, writes it in one transaction (BEGIN IMMEDIATE ...
// COMMIT: one fsync of the WAL per batch) and wakes each caller with its own
// result. Dedupe is part of the same transaction (INSERT ... ON CONFLICT DO
// NOTHING, then the original offset), so two concurrent deliveries of one
// webhookId give one row. A batch that fails (disk full, locked, I/O error)
// is rolled back whole: every caller in it gets UNAVAILABLE, nothing of it
// is visible, and the same events can be appended again later.
//
// Thread-safety: every method is safe for concurrent use. Destroying the log
// finishes the queued appends first; no call may be in flight or start then.
#ifndef GHL_ADAPTERS_GHL_WEBHOOKS_SQLITE_EVENT_LOG_H_
#define GHL_ADAPTERS_GHL_WEBHOOKS_SQLITE_EVENT_LOG_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/ghl/storage/sqlite_db.h"
#include "adapters/ghl/webhooks/event_log.h"
#include "adapters/ghl/webhooks/event_log_internal.h"

namespace ghl::webhooks {

struct SqliteEventLogOptions {
  /// Largest size of the database file (SQLite's max_page_count); an append
  /// beyond it fails UNAVAILABLE as on a full disk. 0: no limit.
  int64_t max_size_bytes = 0;
  /// Most appends committed in one transaction.
  int max_batch = 512;
};

class SqliteEventLog final : public EventLog {
 public:
  /// Opens (creating with mode 0600) the event log at `path`.
  /// @return UNAVAILABLE naming the file when it cannot be opened or is not
  ///         an event log; INVALID_ARGUMENT for bad options.
  static absl::StatusOr<std::unique_ptr<SqliteEventLog>> Open(const std::string& path,
                                                              SqliteEventLogOptions options = {});
  ~SqliteEventLog() override;

  absl::StatusOr<AppendResult> Append(ghl::contacts::v1::Event event,
                                      absl::string_view raw_body) override;
  absl::StatusOr<ReadResult> Read(absl::string_view location_id,
                                  const std::vector<ghl::contacts::v1::EventType>& types,
                                  int64_t after_offset, int limit) override;
  absl::StatusOr<LocationSummary> Summarize(absl::string_view location_id) override;
  int64_t LastOffset() override;
  int Subscribe(std::function<void(int64_t last_offset)> listener) override;
  void Unsubscribe(int id) override;

  /// Transactions committed so far (tests: group commit batches appends).
  int64_t commits() const { return commits_.load(); }
  /// The raw body logged with the event at `offset` (NOT_FOUND if none).
  absl::StatusOr<std::string> RawBody(int64_t offset);

 private:
  struct Pending;
  SqliteEventLog(std::shared_ptr<storage::SqliteDb> db, SqliteEventLogOptions options,
                 int64_t last_offset);
  void CommitLoop();
  absl::Status CommitBatch(const std::vector<Pending*>& batch, int64_t* last_offset);

  std::shared_ptr<storage::SqliteDb> db_;
  SqliteEventLogOptions options_;
  std::atomic<int64_t> last_offset_;
  std::atomic<int64_t> commits_{0};
  internal::Listeners listeners_;

  std::mutex mu_;  // guards queue_, stopping_ and each Pending's done/result
  std::condition_variable queued_;
  std::condition_variable committed_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::thread committer_;
};

}  // namespace ghl::webhooks

#endif  // GHL_ADAPTERS_GHL_WEBHOOKS_SQLITE_EVENT_LOG_H_
