#include "adapters/ghl/storage/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace ghl::storage {

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

void SqliteStatement::BindText(int index, absl::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}
void SqliteStatement::BindBlob(int index, absl::string_view value) {
  // A zero-length blob must not bind as NULL (data() may be null).
  sqlite3_bind_blob(stmt_, index, value.empty() ? "" : value.data(), static_cast<int>(value.size()),
                    SQLITE_TRANSIENT);
}
void SqliteStatement::BindInt64(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}
void SqliteStatement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

absl::StatusOr<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return absl::UnavailableError(
      absl::StrCat(label_, ": ", sqlite3_errmsg(db_), " (sqlite ", rc, ")"));
}

void SqliteStatement::Reset() { sqlite3_reset(stmt_); }

std::string SqliteStatement::ColumnText(int index) const {
  const void* data = sqlite3_column_blob(stmt_, index);
  const int size = sqlite3_column_bytes(stmt_, index);
  return data ? std::string(static_cast<const char*>(data), size) : std::string();
}
int64_t SqliteStatement::ColumnInt64(int index) const { return sqlite3_column_int64(stmt_, index); }
bool SqliteStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

absl::StatusOr<std::shared_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                         absl::string_view schema,
                                                         absl::string_view label) {
  std::shared_ptr<SqliteDb> out(new SqliteDb());
  if (auto s = out->OpenFile(path, schema, label); !s.ok()) return s;
  return out;
}

absl::Status SqliteDb::OpenFile(const std::string& path, absl::string_view schema,
                                absl::string_view label) {
  if (path.empty())
    return absl::InvalidArgumentError(absl::StrCat("the ", label, " path is empty"));
  // Created 0600 before SQLite sees it; SQLite gives its -wal/-shm files the
  // database's mode.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open the ", label, " ", path, ": ", std::strerror(errno)));
  }
  struct stat st;
  if (::fstat(fd, &st) == 0 && (st.st_mode & 0077) != 0) ::fchmod(fd, 0600);
  ::close(fd);
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return absl::UnavailableError(absl::StrCat("cannot open the ", label, " ", path, ": ", why));
  }
  db_ = db;
  path_ = path;
  label_ = absl::StrCat(label, " ", path);
  sqlite3_busy_timeout(db, 5000);
  if (auto s = Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"); !s.ok()) return s;
  return Exec(schema);
}

SqliteDb::~SqliteDb() { sqlite3_close(db_); }

absl::Status SqliteDb::Exec(absl::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string why = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    // A file that is not a database says so plainly.
    if (rc == SQLITE_NOTADB) why = "it is not an SQLite database";
    return absl::UnavailableError(absl::StrCat(label_, ": ", why));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SqliteStatement>> SqliteDb::Prepare(absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat(label_, ": ", sqlite3_errmsg(db_)));
  }
  return std::unique_ptr<SqliteStatement>(new SqliteStatement(db_, stmt, label_));
}

int SqliteDb::Changes() const { return sqlite3_changes(db_); }

}  // namespace ghl::storage
