// The sandbox's OAuth app registration and token policy (apps/oauth.json):
// one marketplace app (client id + secret), the company it is installed in
// and the locations of that company where it is installed.
//
// Thread-safety: plain value type.
#ifndef GHL_TOOLS_GHL_SANDBOX_SANDBOX_OAUTH_OPTIONS_H_
#define GHL_TOOLS_GHL_SANDBOX_SANDBOX_OAUTH_OPTIONS_H_

#include <string>
#include <vector>

namespace ghl::sandbox {

struct SandboxOAuthOptions {
  /// The app's credentials; OAuth endpoints answer 401 to anything else.
  /// Empty client_id: no app registered (every grant is 401).
  std::string client_id;
  std::string client_secret;
  /// The marketplace app id (`appId` of installedLocations).
  std::string app_id = "sandboxApp0000000001";
  /// The company (agency) the app is installed in.
  std::string company_id = "sandboxCompany000001";
  /// Locations of the company with the app installed; empty means the
  /// loaded dataset's location.
  std::vector<std::string> installed_locations;
  /// Access token lifetime (`expires_in`), seconds. GHL's is ~1 day.
  int access_token_lifetime_s = 86399;
  /// Scopes granted to location tokens.
  std::vector<std::string> scopes = {"contacts.readonly", "contacts.write"};
};

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_SANDBOX_OAUTH_OPTIONS_H_
