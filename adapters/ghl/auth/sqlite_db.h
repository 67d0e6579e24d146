// SqliteDb (auth): the gateway's state file, a storage::SqliteDb (mode 0600,
// WAL, synchronous=FULL; adapters/ghl/storage/sqlite_db.h) with its schema.
//
// Tables: meta (key check), credentials (GHL tokens, sealed), api_keys
// (gateway caller keys, hashed), oauth_states (authorizations in progress).
//
// Errors: as storage::SqliteDb, naming the "state file".
// Thread-safety: as storage::SqliteDb (mutex() serialises users).
#ifndef GHL_ADAPTERS_GHL_AUTH_SQLITE_DB_H_
#define GHL_ADAPTERS_GHL_AUTH_SQLITE_DB_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/ghl/storage/sqlite_db.h"

namespace ghl::auth {

using SqliteStatement = ::ghl::storage::SqliteStatement;

/// The state file. See the file comment.
class SqliteDb : public ::ghl::storage::SqliteDb {
 public:
  /// Opens (creating with mode 0600 if absent) `path` and its schema.
  /// @return UNAVAILABLE naming the file when it cannot be opened.
  static absl::StatusOr<std::shared_ptr<SqliteDb>> Open(const std::string& path);

 private:
  SqliteDb() = default;
};

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_SQLITE_DB_H_
