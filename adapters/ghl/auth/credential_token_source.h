// CredentialTokenSource: the TokenSource of a gateway that holds GHL
// credentials of all three kinds (private-integration tokens, OAuth tokens
// with rotating refresh tokens, location tokens minted from a company
// token), backed by a TokenStore.
//
// Refresh rules:
//   - A token is renewed when less than `refresh_margin` of its life is left,
//     or after Invalidate (an upstream 401 with it).
//   - Single flight per credential: each credential has its own mutex, held
//     across the renewal, so N concurrent callers of an expired token cause
//     exactly one refresh request; the others wait and get its result.
//   - A refreshed credential is saved to the store (durably) before its
//     access token is handed to anyone. If the save fails, the new tokens are
//     kept in memory marked unsaved, the call fails UNAVAILABLE, and the next
//     call saves them again before use (GHL has already retired the old
//     refresh token, so the new one must not be dropped).
//   - A renewal that fails transiently while the current token is still valid
//     (inside the margin) returns the current token.
//   - `invalid_grant` marks the credential as needing re-authorization (and
//     saves that); from then on every call for it is FAILED_PRECONDITION
//     saying so, with no upstream request, until Put() replaces it.
//   - A minted location token is renewed by minting a new one with its
//     company's credential (itself renewed as above). Lock order: location,
//     then company; a company never locks a location.
//
// Thread-safety: safe for concurrent use. Refreshes block only callers of the
// same credential.
#ifndef GHL_ADAPTERS_GHL_AUTH_CREDENTIAL_TOKEN_SOURCE_H_
#define GHL_ADAPTERS_GHL_AUTH_CREDENTIAL_TOKEN_SOURCE_H_

#include <atomic>
#include <functional>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/ghl/auth/oauth_client.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/auth/token_store.h"
#include "adapters/ghl/core/clock.h"

namespace ghl::auth {

struct CredentialTokenSourceOptions {
  /// Renew this long before expiry.
  absl::Duration refresh_margin = absl::Minutes(5);
  /// Told of each renewal, failed renewal and re-authorization mark, as one
  /// line naming the credential (never a token); null: silent. Called with
  /// the credential's lock held: must not call back into the source.
  std::function<void(const std::string&)> on_event;
};

/// See the file comment.
class CredentialTokenSource final : public TokenSource {
 public:
  /// Loads every credential of `store`.
  /// @param client null when no OAuth app is configured (then OAuth and
  ///        minted credentials fail FAILED_PRECONDITION once they expire).
  /// @param clock must outlive the source.
  static absl::StatusOr<std::shared_ptr<CredentialTokenSource>> Create(
      std::shared_ptr<TokenStore> store, std::shared_ptr<const OAuthClient> client, Clock& clock,
      CredentialTokenSourceOptions options = {});

  absl::StatusOr<std::string> GetToken(absl::string_view location_id) override;
  std::vector<std::string> Locations() const override;
  bool Invalidate(absl::string_view location_id, absl::string_view rejected_token) override;
  /// The stored kind, scopes (the space-separated `scope` GHL granted) and
  /// expiry. Waits for a renewal of the same credential in progress.
  CredentialDescription Describe(absl::string_view location_id) const override;

  /// Adds or replaces a credential, durably first (an OAuth callback, a
  /// token file, a freshly minted location).
  absl::Status Put(Credential credential);
  /// Put unless a credential for its key exists. @return whether it was added.
  absl::StatusOr<bool> PutIfAbsent(Credential credential);
  /// Connects a company: stores its OAuth tokens, then, for every location
  /// of GET /oauth/installedLocations, mints and stores a location token.
  /// @return the connected location ids.
  absl::StatusOr<std::vector<std::string>> ConnectCompany(const OAuthTokens& company,
                                                          absl::string_view app_id);
  /// Refresh and mint requests made so far (successful or not).
  int64_t renewals() const { return renewals_.load(); }

 private:
  struct Entry {
    std::mutex mu;
    Credential credential;  // guarded by mu
    bool unsaved = false;   // guarded by mu
    // How long the last token this process obtained lasts (0: unknown), so
    // the margin never exceeds half a token's life: with a margin longer
    // than the lifetime every call would renew. Guarded by mu.
    absl::Duration lifetime = absl::ZeroDuration();
  };

  CredentialTokenSource(std::shared_ptr<TokenStore> store,
                        std::shared_ptr<const OAuthClient> client, Clock& clock,
                        CredentialTokenSourceOptions options);
  std::shared_ptr<Entry> Find(absl::string_view key) const;
  std::shared_ptr<Entry> FindOrAdd(const std::string& key);
  // The usable access token of `entry`, renewing it if due. Holds entry.mu.
  absl::StatusOr<std::string> FreshToken(Entry& entry);
  absl::StatusOr<OAuthTokens> Renew(const Credential& credential);
  absl::Status MarkNeedsReauthorization(Entry& entry);
  void Event(const std::string& line) const;

  std::shared_ptr<TokenStore> store_;
  std::shared_ptr<const OAuthClient> client_;
  Clock& clock_;
  const CredentialTokenSourceOptions options_;
  std::atomic<int64_t> renewals_{0};

  mutable std::shared_mutex map_mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Entry>> entries_;  // guarded by map_mu_
};

/// The FAILED_PRECONDITION of a location that needs re-authorization.
absl::Status NeedsReauthorizationError(absl::string_view key, absl::string_view reason);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_CREDENTIAL_TOKEN_SOURCE_H_
