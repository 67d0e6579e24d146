#include "adapters/ghl/webhooks/sqlite_event_log.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace ghl::webhooks {
namespace {

namespace v1 = ::ghl::contacts::v1;

constexpr char kLabel[] = "event log";
constexpr char kFormat[] = "ghl-gateway event log 1";

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS event_log_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  offset INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  location_id TEXT NOT NULL,
  type INTEGER NOT NULL,
  receive_time INTEGER NOT NULL,
  event BLOB NOT NULL,
  raw_body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_location ON events (location_id, offset);
INSERT OR IGNORE INTO event_log_meta (name, value) VALUES ('format', 'ghl-gateway event log 1');
)sql";

absl::Status NotAnEventLog(const std::string& path, absl::string_view why) {
  return absl::UnavailableError(absl::StrCat(kLabel, " ", path, ": not an event log (", why, ")"));
}

// Runs a query that returns one integer.
absl::StatusOr<int64_t> QueryInt(storage::SqliteDb& db, absl::string_view sql) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  return *row ? (*stmt)->ColumnInt64(0) : 0;
}

}  // namespace

struct SqliteEventLog::Pending {
  v1::Event event;
  absl::string_view raw_body;
  std::string dedupe_key;
  bool done = false;
  absl::StatusOr<AppendResult> result;
};

absl::StatusOr<std::unique_ptr<SqliteEventLog>> SqliteEventLog::Open(
    const std::string& path, SqliteEventLogOptions options) {
  if (options.max_size_bytes < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("event log max size ", options.max_size_bytes, " is negative"));
  }
  if (options.max_batch < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("event log max batch ", options.max_batch, " is below 1"));
  }
  // Opened without a schema first: a database that holds other tables (the
  // state file, say) is not turned into an event log.
  auto db = storage::SqliteDb::Open(path, "", kLabel);
  if (!db.ok()) return db.status();
  {
    std::lock_guard<std::mutex> lock((*db)->mutex());
    auto foreign = QueryInt(**db,
                            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT "
                            "IN ('events', 'event_log_meta')");
    if (!foreign.ok()) return foreign.status();
    if (*foreign > 0) return NotAnEventLog(path, "it holds other tables");
    if (auto s = (*db)->Exec(kSchema); !s.ok()) return s;
    auto stmt = (*db)->Prepare("SELECT value FROM event_log_meta WHERE name = 'format'");
    if (!stmt.ok()) return stmt.status();
    auto row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row || (*stmt)->ColumnText(0) != kFormat) return NotAnEventLog(path, "unknown format");
    if (options.max_size_bytes > 0) {
      auto page_size = QueryInt(**db, "PRAGMA page_size");
      if (!page_size.ok()) return page_size.status();
      const int64_t pages =
          std::max<int64_t>(1, options.max_size_bytes / std::max<int64_t>(1, *page_size));
      if (auto s = (*db)->Exec(absl::StrCat("PRAGMA max_page_count = ", pages)); !s.ok()) return s;
    }
  }
  std::unique_lock<std::mutex> lock((*db)->mutex());
  auto last = QueryInt(**db, "SELECT COALESCE(MAX(offset), 0) FROM events");
  lock.unlock();
  if (!last.ok()) return last.status();
  return std::unique_ptr<SqliteEventLog>(new SqliteEventLog(*std::move(db), options, *last));
}

absl::StatusOr<std::unique_ptr<EventLog>> OpenSqliteEventLog(const std::string& path) {
  auto log = SqliteEventLog::Open(path);
  if (!log.ok()) return log.status();
  return std::unique_ptr<EventLog>(*std::move(log));
}

SqliteEventLog::SqliteEventLog(std::shared_ptr<storage::SqliteDb> db, SqliteEventLogOptions options,
                               int64_t last_offset)
    : db_(std::move(db)), options_(options), last_offset_(last_offset) {
  committer_ = std::thread([this] { CommitLoop(); });
}

SqliteEventLog::~SqliteEventLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  queued_.notify_all();
  committer_.join();
}

absl::StatusOr<AppendResult> SqliteEventLog::Append(v1::Event event, absl::string_view raw_body) {
  Pending pending;
  pending.dedupe_key = internal::DedupeKey(event, raw_body);
  pending.event = std::move(event);
  pending.raw_body = raw_body;
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&pending);
  queued_.notify_one();
  committed_.wait(lock, [&] { return pending.done; });
  return std::move(pending.result);
}

void SqliteEventLog::CommitLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and every queued append is done
    std::vector<Pending*> batch;
    while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    lock.unlock();
    int64_t last_offset = 0;
    const absl::Status status = CommitBatch(batch, &last_offset);
    const int64_t before = last_offset_.load();
    if (status.ok()) {
      commits_.fetch_add(1);
      last_offset_.store(last_offset);
    }
    // Listeners run before the callers return, outside mu_ (they may Read).
    if (status.ok() && last_offset > before) listeners_.Notify(last_offset);
    lock.lock();
    for (Pending* p : batch) {
      if (!status.ok()) p->result = status;
      p->done = true;
    }
    committed_.notify_all();
  }
}

absl::Status SqliteEventLog::CommitBatch(const std::vector<Pending*>& batch, int64_t* last_offset) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto fail = [&](absl::Status status) {
    // Nothing of a failed batch stays: its appends may be retried whole.
    db_->Exec("ROLLBACK").IgnoreError();
    return status;
  };
  if (auto s = db_->Exec("BEGIN IMMEDIATE"); !s.ok()) return fail(s);
  auto max = QueryInt(*db_, "SELECT COALESCE(MAX(offset), 0) FROM events");
  if (!max.ok()) return fail(max.status());
  int64_t next = *max + 1;
  auto insert = db_->Prepare(
      "INSERT INTO events (offset, dedupe_key, location_id, type, receive_time, event, raw_body) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING");
  if (!insert.ok()) return fail(insert.status());
  auto original = db_->Prepare("SELECT offset FROM events WHERE dedupe_key = ?");
  if (!original.ok()) return fail(original.status());
  std::vector<AppendResult> results;
  results.reserve(batch.size());
  for (Pending* p : batch) {
    p->event.set_offset(next);
    auto& stmt = **insert;
    stmt.Reset();
    stmt.BindInt64(1, next);
    stmt.BindText(2, p->dedupe_key);
    stmt.BindText(3, p->event.location_id());
    stmt.BindInt64(4, p->event.type());
    stmt.BindInt64(
        5, google::protobuf::util::TimeUtil::TimestampToMilliseconds(p->event.receive_time()));
    stmt.BindBlob(6, p->event.SerializeAsString());
    stmt.BindBlob(7, p->raw_body);
    if (auto done = stmt.Step(); !done.ok()) return fail(done.status());
    AppendResult result;
    if (db_->Changes() == 1) {
      result.offset = next++;
    } else {
      auto& find = **original;
      find.Reset();
      find.BindText(1, p->dedupe_key);
      auto row = find.Step();
      if (!row.ok()) return fail(row.status());
      if (!*row) return fail(absl::InternalError("event log: a dedupe key vanished"));
      result.offset = find.ColumnInt64(0);
      result.duplicate = true;
    }
    results.push_back(result);
  }
  if (auto s = db_->Exec("COMMIT"); !s.ok()) return fail(s);
  for (size_t i = 0; i < batch.size(); ++i) batch[i]->result = results[i];
  *last_offset = next - 1;
  return absl::OkStatus();
}

absl::StatusOr<ReadResult> SqliteEventLog::Read(absl::string_view location_id,
                                                const std::vector<v1::EventType>& types,
                                                int64_t after_offset, int limit) {
  if (auto s = internal::CheckReadArguments(after_offset, limit); !s.ok()) return s;
  std::string sql = "SELECT offset, event FROM events WHERE offset > ?";
  if (!location_id.empty()) absl::StrAppend(&sql, " AND location_id = ?");
  if (!types.empty()) {
    absl::StrAppend(&sql, " AND type IN (");
    for (size_t i = 0; i < types.size(); ++i) absl::StrAppend(&sql, i == 0 ? "?" : ", ?");
    absl::StrAppend(&sql, ")");
  }
  absl::StrAppend(&sql, " ORDER BY offset LIMIT ?");
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  int index = 1;
  (*stmt)->BindInt64(index++, after_offset);
  if (!location_id.empty()) (*stmt)->BindText(index++, location_id);
  for (v1::EventType type : types) (*stmt)->BindInt64(index++, type);
  (*stmt)->BindInt64(index++, limit);
  ReadResult out;
  out.read_offset = after_offset;
  for (;;) {
    auto row = (*stmt)->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    v1::Event event;
    const int64_t offset = (*stmt)->ColumnInt64(0);
    if (!event.ParseFromString((*stmt)->ColumnText(1))) {
      return absl::DataLossError(
          absl::StrCat(kLabel, " ", db_->path(), ": the event at offset ", offset, " is corrupt"));
    }
    event.set_offset(offset);
    out.events.push_back(std::move(event));
    out.read_offset = offset;
  }
  // Fewer than `limit` matches: every committed event was examined (the
  // committer holds the connection's lock for a whole transaction).
  if (static_cast<int>(out.events.size()) < limit) {
    auto max = QueryInt(*db_, "SELECT COALESCE(MAX(offset), 0) FROM events");
    if (!max.ok()) return max.status();
    out.read_offset = std::max(out.read_offset, *max);
  }
  return out;
}

absl::StatusOr<LocationSummary> SqliteEventLog::Summarize(absl::string_view location_id) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt =
      db_->Prepare("SELECT COUNT(*), MAX(receive_time) FROM events WHERE location_id = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindText(1, location_id);
  auto row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  LocationSummary out;
  if (*row) {
    out.events = (*stmt)->ColumnInt64(0);
    if (!(*stmt)->ColumnIsNull(1)) out.last_receive_time = absl::FromUnixMillis((*stmt)->ColumnInt64(1));
  }
  return out;
}

int64_t SqliteEventLog::LastOffset() { return last_offset_.load(); }

int SqliteEventLog::Subscribe(std::function<void(int64_t)> listener) {
  return listeners_.Subscribe(std::move(listener));
}
void SqliteEventLog::Unsubscribe(int id) { listeners_.Unsubscribe(id); }

absl::StatusOr<std::string> SqliteEventLog::RawBody(int64_t offset) {
  std::lock_guard<std::mutex> lock(db_->mutex());
  auto stmt = db_->Prepare("SELECT raw_body FROM events WHERE offset = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->BindInt64(1, offset);
  auto row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::NotFoundError(absl::StrCat("no event at offset ", offset));
  return (*stmt)->ColumnText(0);
}

}  // namespace ghl::webhooks
