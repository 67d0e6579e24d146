// SqliteDb: one SQLite 3 file opened the way the gateway keeps durable state:
// created with mode 0600 (an existing file readable by others is narrowed),
// WAL, synchronous=FULL (a committed write survives a kill or power loss),
// a busy timeout, and the caller's schema; plus a small prepared-statement
// wrapper. Used by the state file (adapters/ghl/auth/sqlite_db.h) and the
// webhook event log. The only header that declares SQLite's types; its .cc
// is the only file of this library that includes <sqlite3.h>.
//
// Errors: UNAVAILABLE naming the file (`<label> <path>: <sqlite message>`)
// for anything SQLite refuses (I/O error, disk full, locked, not a database).
//
// Thread-safety: a SqliteDb serialises its own use with a mutex (mutex());
// a Statement is used under that lock.
#ifndef GHL_ADAPTERS_GHL_STORAGE_SQLITE_DB_H_
#define GHL_ADAPTERS_GHL_STORAGE_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ghl::storage {

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
  /// @return true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  /// Makes the statement runnable again (bindings are kept until rebound).
  void Reset();
  /// Text or blob bytes of column `index` (0-based).
  std::string ColumnText(int index) const;
  int64_t ColumnInt64(int index) const;
  bool ColumnIsNull(int index) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string label)
      : db_(db), stmt_(stmt), label_(std::move(label)) {}
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string label_;  // "<label> <path>" for messages
};

/// One SQLite file. See the file comment.
class SqliteDb {
 public:
  /// Opens (creating with mode 0600 if absent) `path` and runs `schema`
  /// (idempotent statements, e.g. CREATE TABLE IF NOT EXISTS).
  /// @param label names the file in messages, e.g. "state file".
  /// @return INVALID_ARGUMENT for an empty path; UNAVAILABLE naming the file
  ///         when it cannot be opened or is not an SQLite database.
  static absl::StatusOr<std::shared_ptr<SqliteDb>> Open(const std::string& path,
                                                        absl::string_view schema,
                                                        absl::string_view label);
  virtual ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  /// Runs statements without results.
  absl::Status Exec(absl::string_view sql);
  absl::StatusOr<std::unique_ptr<SqliteStatement>> Prepare(absl::string_view sql);
  /// Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int Changes() const;
  /// Serialises users of this connection.
  std::mutex& mutex() { return mu_; }
  const std::string& path() const { return path_; }

 protected:
  SqliteDb() = default;
  /// Opens the file into this object (see Open); for subclasses that add a
  /// schema-specific Open.
  absl::Status OpenFile(const std::string& path, absl::string_view schema, absl::string_view label);

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
  std::string label_;
  std::mutex mu_;
};

}  // namespace ghl::storage

#endif  // GHL_ADAPTERS_GHL_STORAGE_SQLITE_DB_H_
