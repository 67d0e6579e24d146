// Credential and TokenStore: what the gateway holds for one GHL location (or
// one company), and the durable home of those records.
//
// A Credential is keyed by a location id, or by CompanyKey(companyId) for a
// company (agency) token from which location tokens are minted. The store is
// the only copy of a rotated refresh token, so Save must be durable (on disk,
// synced) before it returns OK; callers use a refreshed access token only
// after that.
//
// InMemoryTokenStore is the store of a gateway without a state file (static
// tokens, tests); SqliteTokenStore (sqlite_token_store.h) is the durable one.
//
// Thread-safety: TokenStore implementations are safe for concurrent use.
#ifndef GHL_ADAPTERS_GHL_AUTH_TOKEN_STORE_H_
#define GHL_ADAPTERS_GHL_AUTH_TOKEN_STORE_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ghl::auth {

/// How a credential is obtained and renewed.
enum class CredentialKind {
  kPrivateIntegration,  ///< static token, never refreshed
  kOAuth,               ///< access + rotating refresh token (location or company)
  kMintedLocation,      ///< minted with /oauth/locationToken from a company's kOAuth credential
};

/// "pit", "oauth", "minted" (the stored names).
absl::string_view KindName(CredentialKind kind);
/// The inverse of KindName. @return INVALID_ARGUMENT for an unknown name.
absl::StatusOr<CredentialKind> ParseKind(absl::string_view name);

/// The key of a company credential: "company:" + id.
std::string CompanyKey(absl::string_view company_id);

/// One location's (or company's) GHL credential. Secrets: access_token,
/// refresh_token.
struct Credential {
  std::string key;  ///< location id, or CompanyKey(...)
  CredentialKind kind = CredentialKind::kPrivateIntegration;
  std::string access_token;
  std::string refresh_token;
  absl::Time expires_at = absl::InfiniteFuture();
  std::string scope;
  std::string user_type;   ///< "Location" / "Company" (the refresh grant's user_type)
  std::string company_id;  ///< kMintedLocation: whose company credential mints it
  /// Non-empty once GHL refused the refresh token for good: the location
  /// needs a new authorization; the text says why (no secrets).
  std::string reauthorization_reason;
};

/// Durable credentials. See the file comment.
class TokenStore {
 public:
  virtual ~TokenStore() = default;
  /// Every stored credential.
  virtual absl::StatusOr<std::vector<Credential>> LoadAll() = 0;
  /// Inserts or replaces `credential` (by key); durable once OK.
  virtual absl::Status Save(const Credential& credential) = 0;
  /// Deletes the credential of `key` (absent is OK).
  virtual absl::Status Remove(absl::string_view key) = 0;
};

/// A TokenStore in memory (nothing survives the process).
class InMemoryTokenStore final : public TokenStore {
 public:
  absl::StatusOr<std::vector<Credential>> LoadAll() override;
  absl::Status Save(const Credential& credential) override;
  absl::Status Remove(absl::string_view key) override;
  /// Makes the next `count` Saves fail with UNAVAILABLE (tests).
  void FailNextSaves(int count);

 private:
  std::mutex mu_;
  std::map<std::string, Credential> records_;  // guarded by mu_
  int fail_saves_ = 0;                         // guarded by mu_
};

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_TOKEN_STORE_H_
