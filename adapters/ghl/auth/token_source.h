// Where the gateway gets the GHL access token of a location.
//
// TokenSource is the seam later credential kinds plug into (OAuth with
// rotating refresh, agency-minted location tokens); this file has the static
// private-integration kind. Token values are secrets: nothing here logs them,
// and every error names the location or the file, never the value.
//
// Thread-safety: TokenSource implementations are safe for concurrent use.
#ifndef GHL_ADAPTERS_GHL_AUTH_TOKEN_SOURCE_H_
#define GHL_ADAPTERS_GHL_AUTH_TOKEN_SOURCE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ghl::auth {

/// What the gateway knows about a location's credential, without its
/// secrets (for DiagnosticsService and logs).
struct CredentialDescription {
  bool present = false;
  /// "private-integration", "oauth-location", "oauth-company-minted";
  /// empty when absent or the source does not say.
  std::string kind;
  /// Scopes the credential is known to carry (empty: unknown).
  std::vector<std::string> scopes;
  /// When the current access token expires (InfiniteFuture: unknown/never).
  absl::Time expires_at = absl::InfiniteFuture();
  /// Non-empty once the credential needs a new authorization (why).
  std::string reauthorization_reason;
};

/// Supplies bearer tokens per location.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  /// The access token to send for `location_id`.
  /// @return FAILED_PRECONDITION when the location has no credential.
  virtual absl::StatusOr<std::string> GetToken(absl::string_view location_id) = 0;
  /// Locations this source holds credentials for (ids only).
  virtual std::vector<std::string> Locations() const = 0;
  /// Told that GHL answered 401 to `rejected_token` of `location_id`.
  /// @return true when a retry with GetToken may succeed (the source renewed
  ///         or will renew the token); false for tokens that cannot change.
  virtual bool Invalidate(absl::string_view location_id, absl::string_view rejected_token) {
    return false;
  }
  /// Describes `location_id`'s credential (never its tokens). The default
  /// says only whether Locations() lists it.
  virtual CredentialDescription Describe(absl::string_view location_id) const;
};

/// Private-integration tokens: static, one per location.
class StaticTokenSource final : public TokenSource {
 public:
  explicit StaticTokenSource(std::map<std::string, std::string> tokens_by_location)
      : tokens_(std::move(tokens_by_location)) {}
  absl::StatusOr<std::string> GetToken(absl::string_view location_id) override;
  std::vector<std::string> Locations() const override;
  /// kind "private-integration"; scopes unknown (GHL does not report a
  /// private-integration token's scopes); no expiry.
  CredentialDescription Describe(absl::string_view location_id) const override;

 private:
  const std::map<std::string, std::string> tokens_;
};

/// Reads a tokens file: a JSON array of {"locationId": "...", "token": "..."}
/// (other members, e.g. "scopes", are ignored), the same file ghl-sandbox
/// reads. Errors name the file and the entry index, never a token.
absl::StatusOr<std::map<std::string, std::string>> LoadTokensFile(const std::string& path);

/// Parses GHL_LOCATION_TOKENS-style text: `LOCATION=TOKEN` entries separated
/// by `;` or newlines. Errors name the entry index, never a token.
absl::StatusOr<std::map<std::string, std::string>> ParseTokensEnv(absl::string_view text);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_TOKEN_SOURCE_H_
