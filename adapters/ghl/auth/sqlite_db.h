// SqliteDb: the gateway's state file (SQLite 3): opening it with mode 0600,
// durable settings (WAL, synchronous=FULL, so a committed write survives a
// kill or power loss), the schema, and a small prepared-statement wrapper.
// The only file that includes <sqlite3.h> besides its .cc. OpenFile gives
// other durable files (ghlctl sync's sink) the same settings without the
// gateway's tables.
//
// Tables: meta (key check), credentials (GHL tokens, sealed), api_keys
// (gateway caller keys, hashed), oauth_states (authorizations in progress).
//
// Thread-safety: a SqliteDb serialises its own use with a mutex (lock()); a
// Statement is used under that lock.
#ifndef GHL_ADAPTERS_GHL_AUTH_SQLITE_DB_H_
#define GHL_ADAPTERS_GHL_AUTH_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ghl::auth {

/// One prepared statement; see SqliteDb::Prepare.
class SqliteStatement {
 public:
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  /// Binds parameter `index` (1-based).
  void BindText(int index, absl::string_view value);
  void BindBlob(int index, absl::string_view value);
  void BindInt64(int index, int64_t value);
  void BindNull(int index);
  void BindDouble(int index, double value);
  /// Makes the statement ready to run again (bindings cleared).
  void Reset();
  /// @return true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  std::string ColumnText(int index) const;
  int64_t ColumnInt64(int index) const;
  double ColumnDouble(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string path)
      : db_(db), stmt_(stmt), path_(std::move(path)) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string path_;
};

/// The state file. See the file comment.
class SqliteDb {
 public:
  /// Opens (creating with mode 0600 if absent) `path` and its schema. An
  /// existing file readable by others is narrowed to 0600.
  /// @return UNAVAILABLE naming the file when it cannot be opened.
  static absl::StatusOr<std::shared_ptr<SqliteDb>> Open(const std::string& path);
  /// Opens `path` the same way (0600, WAL, synchronous=FULL) without the
  /// gateway's schema: for other durable files (ghlctl sync's SQLite sink).
  static absl::StatusOr<std::shared_ptr<SqliteDb>> OpenFile(const std::string& path);
  ~SqliteDb();

  /// Runs statements without results.
  absl::Status Exec(absl::string_view sql);
  absl::StatusOr<std::unique_ptr<SqliteStatement>> Prepare(absl::string_view sql);
  /// Serialises users of this connection.
  std::mutex& mutex() { return mu_; }
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::mutex mu_;
};

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_SQLITE_DB_H_
