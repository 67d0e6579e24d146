// SandboxOAuth: the sandbox's fake of GHL's OAuth 2.0 (apps/oauth.json) and
// of the marketplace's authorization page.
//
//   GET  /v2/oauth/chooselocation?response_type=code&client_id&redirect_uri
//        &scope[&locationId][&userType=Company]  (the marketplace page, approved
//        at once) -> 302 to redirect_uri?code=...
//   POST /oauth/token          form-encoded: authorization_code, refresh_token,
//                              client_credentials; user_type Location|Company
//   POST /oauth/locationToken  form-encoded companyId, locationId; a company
//                              token with oauth.write; Version header
//   GET  /oauth/installedLocations?companyId&appId[&skip&limit]; a company
//                              token with oauth.readonly; Version header
//
// Codes are single use and live 10 minutes. Refresh tokens are single use:
// a refresh retires the one presented and returns a new one; presenting a
// retired one is 400 invalid_grant. Access tokens live
// `access_token_lifetime_s`; ExpireAccessTokens() ends them all at once (for
// a deterministic upstream 401). Error bodies are GHL's
// ({statusCode, message[, error]}, 422 with a message list); invalid_grant
// answers also carry RFC 6749's `error` and `error_description`.
//
// Thread-safety: every method is safe to call concurrently (one mutex).
#ifndef GHL_TOOLS_GHL_SANDBOX_SANDBOX_OAUTH_H_
#define GHL_TOOLS_GHL_SANDBOX_SANDBOX_OAUTH_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/ghl-sandbox/sandbox_oauth_options.h"
#include "tools/ghl-sandbox/sandbox_options.h"
#include "tools/ghl-sandbox/sandbox_service.h"

namespace ghl::sandbox {

/// Counters of the OAuth endpoints.
struct SandboxOAuthStats {
  std::map<std::string, uint64_t> token_requests;  ///< grant_type -> requests (any outcome)
  uint64_t refreshes_ok = 0;
  uint64_t invalid_grants = 0;
  uint64_t location_tokens = 0;
  uint64_t installed_locations = 0;
};

class SandboxOAuth {
 public:
  /// @param default_location the dataset's location (installed when the
  ///        options name none). @param clock the sandbox's time.
  SandboxOAuth(SandboxOAuthOptions options, std::string default_location,
               std::function<absl::Time()> clock);

  /// Whether `path` is one of this class's endpoints.
  static bool Serves(absl::string_view path);
  /// Answers an OAuth request (see the file comment).
  HttpResponse Handle(const HttpRequest& request, absl::string_view trace_id);
  /// The grant of a live location access token issued here, if any.
  std::optional<TokenGrant> Lookup(absl::string_view access_token);
  /// Ends every issued access token now (refresh tokens stay valid).
  void ExpireAccessTokens();
  SandboxOAuthStats Stats();
  /// Every code, access and refresh token issued so far (tests scan their
  /// logs for them).
  std::vector<std::string> IssuedSecrets();

 private:
  struct Subject {
    std::string user_type;  // "Location" | "Company"
    std::string location_id;
    std::vector<std::string> scopes;
  };
  struct Code {
    Subject subject;
    std::string redirect_uri;
    absl::Time expires_at;
  };
  struct Access {
    Subject subject;
    absl::Time expires_at;
  };

  HttpResponse ChooseLocation(const HttpRequest& request, absl::string_view trace_id);
  HttpResponse Token(const HttpRequest& request, absl::string_view trace_id);
  HttpResponse LocationToken(const HttpRequest& request, absl::string_view trace_id);
  HttpResponse InstalledLocations(const HttpRequest& request, absl::string_view trace_id);
  // The company token of the request, or an error response.
  std::optional<HttpResponse> CheckCompanyToken(const HttpRequest& request, absl::string_view scope,
                                                absl::string_view trace_id);
  // Issues tokens for `subject` (caller holds mu_).
  std::string IssueTokens(const Subject& subject, bool with_refresh);
  std::string NewSecret();
  bool Installed(absl::string_view location_id) const;
  absl::Time Now() const { return clock_ ? clock_() : absl::Now(); }

  const SandboxOAuthOptions options_;
  std::vector<std::string> installed_;
  std::function<absl::Time()> clock_;

  std::mutex mu_;
  std::mt19937_64 rng_;                     // guarded by mu_
  std::map<std::string, Code> codes_;       // guarded by mu_
  std::map<std::string, Access> access_;    // guarded by mu_
  std::map<std::string, Subject> refresh_;  // guarded by mu_
  SandboxOAuthStats stats_;                 // guarded by mu_
  std::vector<std::string> issued_;         // guarded by mu_
};

/// Parses an application/x-www-form-urlencoded body ('+' is a space).
std::vector<std::pair<std::string, std::string>> ParseForm(absl::string_view body);

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_SANDBOX_OAUTH_H_
