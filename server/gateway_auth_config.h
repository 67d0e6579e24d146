// The gateway's credential and access settings (issue 4), kept apart from
// gateway_config.h so the core options stay small: the state file and its
// key, the OAuth app, the OAuth callback listener, the refresh margin and
// TLS for the gRPC port. Parsed with the other options (same flag/env rules)
// by gateway_config.cc through AppendAuthOptions.
//
// Secrets (client secret, state key) come only from files or environment
// variables, never from flags that `ps` shows; nothing here prints them.
#ifndef GHL_SERVER_GATEWAY_AUTH_CONFIG_H_
#define GHL_SERVER_GATEWAY_AUTH_CONFIG_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ghl::server {

struct GatewayConfig;

struct GatewayAuthConfig {
  /// SQLite state file (credentials, API keys). Empty: credentials in memory
  /// only and no caller keys.
  std::string state_file;
  /// OAuth tokens to add at start (adapters/ghl/auth/credentials_file.h).
  std::string credentials_file;
  /// File holding the state key (64 hex digits); else GHL_STATE_KEY.
  std::string state_key_file;
  std::string state_key;  ///< from GHL_STATE_KEY (secret)
  std::string oauth_client_id;
  std::string oauth_client_secret_file;
  std::string oauth_client_secret;  ///< from the file or GHL_OAUTH_CLIENT_SECRET (secret)
  /// Base URL of the OAuth endpoints; empty: the upstream URL.
  std::string oauth_url;
  /// The marketplace authorization page (ghlctl auth prints a link to it).
  std::string oauth_authorize_url = "https://marketplace.gohighlevel.com/v2/oauth/chooselocation";
  /// Where GHL sends the browser back; must reach --http-listen's /oauth/callback.
  std::string oauth_redirect_uri;
  /// The marketplace app id (company installs list installed locations with it).
  std::string oauth_app_id;
  /// host:port of the HTTP listener for /oauth/callback; empty: none.
  std::string http_listen;
  absl::Duration refresh_margin = absl::Minutes(5);
  /// TLS for the gRPC port (PEM files); both or neither.
  std::string tls_cert_file;
  std::string tls_key_file;
  /// With TLS: require client certificates signed by this CA (mTLS).
  std::string tls_client_ca_file;
};

/// One option (flag + variable) of the gateway.
struct GatewayOption {
  const char* flag;
  const char* env;
  const char* help;
  std::function<std::string(const GatewayConfig&)> default_value;
  std::function<absl::Status(const std::string&, GatewayConfig*)> set;
};

/// Adds the options of GatewayAuthConfig to `options`.
void AppendAuthOptions(std::vector<GatewayOption>* options);

/// After parsing: reads secrets from files / environment and checks the
/// combination (TLS pair, OAuth id without secret, a non-loopback listen
/// address without a state file for caller keys).
/// @return INVALID_ARGUMENT naming the flag or variable.
absl::Status ResolveAuthConfig(const std::map<std::string, std::string>& env,
                               GatewayConfig* config);

/// Whether `listen` (host:port) is a loopback address.
bool IsLoopbackListen(const std::string& listen);

/// "PORT" or ":PORT" -> "127.0.0.1:PORT"; host:port unchanged (the HTTP
/// listeners' address rule: a bare port is loopback).
/// @return INVALID_ARGUMENT "--<flag>: ..." for a missing or out-of-range port.
absl::StatusOr<std::string> NormalizeListenAddress(absl::string_view flag,
                                                   absl::string_view listen);

}  // namespace ghl::server

#endif  // GHL_SERVER_GATEWAY_AUTH_CONFIG_H_
