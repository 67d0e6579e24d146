// ApiKeyStore: the gateway's caller API keys. A key is shown once, at
// creation, as `ghlk_<id>_<secret>`; the store keeps the id, a SHA-256 of
// the secret (the secret is 32 random bytes, so a fast hash is enough), the
// locations it may use ("*": every location) and its scopes
// (contacts.readonly, contacts.write). Verify compares hashes in constant
// time. SqliteApiKeyStore keeps them in the state file (sqlite_db.h), read on
// every Verify, so keys created or revoked with `ghlctl keys` while the
// gateway runs take effect on the next call.
//
// Thread-safety: implementations are safe for concurrent use.
#ifndef GHL_ADAPTERS_GHL_AUTH_API_KEY_STORE_H_
#define GHL_ADAPTERS_GHL_AUTH_API_KEY_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/ghl/auth/sqlite_db.h"

namespace ghl::auth {

inline constexpr char kReadScope[] = "contacts.readonly";
inline constexpr char kWriteScope[] = "contacts.write";

/// A stored key (never its secret).
struct ApiKeyRecord {
  std::string id;
  std::string name;
  std::vector<std::string> locations;  ///< "*" = every location
  std::vector<std::string> scopes;
  absl::Time created_at;
  bool revoked = false;

  bool HoldsLocation(absl::string_view location_id) const;
  bool HasScope(absl::string_view scope) const;
};

/// A new key: its record and the one-time plaintext.
struct NewApiKey {
  ApiKeyRecord record;
  std::string key;  ///< secret: shown once
};

class ApiKeyStore {
 public:
  virtual ~ApiKeyStore() = default;
  /// @return INVALID_ARGUMENT naming the field for an empty name, no
  ///         locations, an unknown or no scope.
  virtual absl::StatusOr<NewApiKey> Create(absl::string_view name,
                                           std::vector<std::string> locations,
                                           std::vector<std::string> scopes) = 0;
  virtual absl::StatusOr<std::vector<ApiKeyRecord>> List() = 0;
  /// @return NOT_FOUND for an unknown id.
  virtual absl::Status Revoke(absl::string_view id) = 0;
  /// The live key `presented`. @return UNAUTHENTICATED for a malformed,
  ///         unknown or revoked key (one message for all: no oracle).
  virtual absl::StatusOr<ApiKeyRecord> Verify(absl::string_view presented) = 0;
};

class SqliteApiKeyStore final : public ApiKeyStore {
 public:
  explicit SqliteApiKeyStore(std::shared_ptr<SqliteDb> db) : db_(std::move(db)) {}
  absl::StatusOr<NewApiKey> Create(absl::string_view name, std::vector<std::string> locations,
                                   std::vector<std::string> scopes) override;
  absl::StatusOr<std::vector<ApiKeyRecord>> List() override;
  absl::Status Revoke(absl::string_view id) override;
  absl::StatusOr<ApiKeyRecord> Verify(absl::string_view presented) override;

 private:
  std::shared_ptr<SqliteDb> db_;
};

/// Checks a key's fields (see ApiKeyStore::Create).
absl::Status ValidateKeyFields(absl::string_view name, const std::vector<std::string>& locations,
                               const std::vector<std::string>& scopes);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_API_KEY_STORE_H_
