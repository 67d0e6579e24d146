// OAuthClient: the gateway's client of GHL's OAuth 2.0 endpoints
// (apps/oauth.json): `POST /oauth/token` (form-encoded authorization_code and
// refresh_token grants), `POST /oauth/locationToken` (a location token minted
// from a company token) and `GET /oauth/installedLocations`.
//
// It makes exactly one HTTP request per call (no retries, no caching); the
// token source above it decides when to call. Error rules:
//   - a transport failure is the transport's UNAVAILABLE;
//   - a 400/401 whose body says `invalid_grant` (RFC 6749 `error`, or GHL's
//     message text) is FAILED_PRECONDITION carrying kInvalidGrantPayload: the
//     code or refresh token is dead for good and only a new authorization helps;
//   - any other non-2xx goes through HttpStatusToStatus (429/5xx UNAVAILABLE);
//   - a 2xx body that is not JSON is UNAVAILABLE (a truncated answer), one
//     without `access_token` is INTERNAL naming the member;
//   - a missing or unusable `expires_in` is not an error: the answer of a
//     refresh carries the only copy of the rotated refresh token, so it is
//     kept, with `default_lifetime` as its lifetime (refreshing early is
//     harmless, losing a refresh token is not).
// Secrets (client secret, code, tokens) never appear in a returned status:
// every error is passed through RedactSecret for each of them.
//
// Thread-safety: immutable after construction; safe for concurrent use if the
// transport and clock are.
#ifndef GHL_ADAPTERS_GHL_AUTH_OAUTH_CLIENT_H_
#define GHL_ADAPTERS_GHL_AUTH_OAUTH_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "adapters/ghl/core/clock.h"
#include "adapters/ghl/http/http_transport.h"

namespace ghl::auth {

/// Payload key marking an `invalid_grant` answer of the token endpoint.
inline constexpr char kInvalidGrantPayload[] = "ghl.oauth.invalid_grant";

/// Whether `status` is the token endpoint's `invalid_grant`.
bool IsInvalidGrant(const absl::Status& status);

/// The app's registration and where GHL's OAuth endpoints are.
struct OAuthAppConfig {
  std::string client_id;
  std::string client_secret;
  /// Base URL of the token endpoints, e.g. https://services.leadconnectorhq.com.
  std::string base_url;
  /// Lifetime assumed when an answer has no usable `expires_in`.
  absl::Duration default_lifetime = absl::Hours(1);
  absl::Duration timeout = absl::Seconds(30);
};

/// What the token endpoint granted.
struct OAuthTokens {
  std::string access_token;
  std::string refresh_token;  ///< empty for minted location tokens
  absl::Time expires_at = absl::InfinitePast();
  std::string scope;
  std::string user_type;  ///< "Location" or "Company"
  std::string location_id;
  std::string company_id;
  std::string user_id;
  std::vector<std::string> approved_locations;
};

/// One entry of `GET /oauth/installedLocations`.
struct InstalledLocation {
  std::string id;
  std::string name;
  bool is_installed = false;
};

/// The client. See the file comment.
class OAuthClient {
 public:
  /// @param clock for `expires_at` (now + expires_in); must outlive this.
  OAuthClient(std::shared_ptr<http::HttpTransport> transport, OAuthAppConfig config, Clock& clock);

  /// grant_type=authorization_code.
  /// @param user_type "Location" or "Company" (empty: not sent).
  absl::StatusOr<OAuthTokens> ExchangeCode(absl::string_view code, absl::string_view redirect_uri,
                                           absl::string_view user_type) const;
  /// grant_type=refresh_token. The answer's refresh token replaces the old
  /// one, which GHL no longer accepts.
  absl::StatusOr<OAuthTokens> Refresh(absl::string_view refresh_token,
                                      absl::string_view user_type) const;
  /// `POST /oauth/locationToken` with a company access token.
  absl::StatusOr<OAuthTokens> MintLocationToken(absl::string_view company_access_token,
                                                absl::string_view company_id,
                                                absl::string_view location_id) const;
  /// Every location of `GET /oauth/installedLocations` where the app is
  /// installed (all pages; `isInstalled=true`).
  absl::StatusOr<std::vector<InstalledLocation>> InstalledLocations(
      absl::string_view company_access_token, absl::string_view company_id,
      absl::string_view app_id) const;

  const OAuthAppConfig& config() const { return config_; }

 private:
  absl::StatusOr<OAuthTokens> PostToken(std::string form, std::vector<absl::string_view> secrets,
                                        absl::string_view operation) const;

  std::shared_ptr<http::HttpTransport> transport_;
  OAuthAppConfig config_;
  Clock& clock_;
};

/// Encodes `name=value` pairs as application/x-www-form-urlencoded.
std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);

/// Parses a token endpoint answer body (2xx) with `now` as the issue time.
/// See the file comment for the rules.
absl::StatusOr<OAuthTokens> ParseTokenAnswer(absl::string_view body, absl::Time now,
                                             absl::Duration default_lifetime);

}  // namespace ghl::auth

#endif  // GHL_ADAPTERS_GHL_AUTH_OAUTH_CLIENT_H_
