// SqliteTokenStore: the durable TokenStore, one row per credential in the
// gateway's SQLite state file (sqlite_db.h). Access and refresh tokens are
// sealed with AES-256-GCM (secret_box.h), each bound to its row key and
// column, so the file alone reveals no secret and rows cannot be swapped.
// Non-secret fields (kind, expiry, scope, company id) are plain, for
// inspection.
//
// The file remembers its key: the first open seals a check value into
// `meta`; a later open with another key fails FAILED_PRECONDITION saying the
// key does not match, before anything is read or written.
//
// Save commits one statement under synchronous=FULL: when it returns OK the
// row is on disk.
//
// Thread-safety: safe for concurrent use (serialised on the db's mutex).
#ifndef GHL_ADAPTERS_GHL_AUTH_SQLITE_TOKEN_STORE_H_
#define GHL_ADAPTERS_GHL_AUTH_SQLITE_TOKEN_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "adapters/ghl/auth/secret_box.h"
#include "adapters/ghl/auth/sqlite_db.h"
#include "adapters/ghl/auth/token_store.h"

namespace ghl::auth {

class SqliteTokenStore final : public TokenStore {
 public:
  /// @return FAILED_PRECONDITION when `box` is not the file's key.
  static absl::StatusOr<std::shared_ptr<SqliteTokenStore>> Open(std::shared_ptr<SqliteDb> db,
                                                                SecretBox box);

  absl::StatusOr<std::vector<Credential>> LoadAll() override;
  absl::Status Save(const Credential& credential) override;
  absl::Status Remove(absl::string_view key) override;

 private:
  SqliteTokenStore(std::shared_ptr<SqliteDb> db, SecretBox box)
      : db_(std::move(db)), box_(std::move(box)) {}
  std::shared_ptr<SqliteDb> db_;
  const SecretBox box_;
};

/// Where the state key comes from: `key_file` if set, else the environment
/// value `env_key` (GHL_STATE_KEY).
/// @return FAILED_PRECONDITION naming both when neither is set.
absl::StatusOr<SecretBox> LoadStateKey(const std::string& key_file, const std::string& env_key);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_SQLITE_TOKEN_STORE_H_
