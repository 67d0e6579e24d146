#include "server/gateway_auth_config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/gateway_config.h"

namespace ghl::server {
namespace {

GatewayOption Text(const char* flag, const char* env, const char* help,
                   std::string GatewayAuthConfig::*field) {
  return {flag, env, help, [field](const GatewayConfig& c) { return c.auth.*field; },
          [field](const std::string& v, GatewayConfig* c) {
            c->auth.*field = v;
            return absl::OkStatus();
          }};
}

absl::Status ReadSecretFile(const std::string& path, const char* flag, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  *out = std::string(absl::StripAsciiWhitespace(buf.str()));
  if (out->empty())
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", path, " is empty"));
  return absl::OkStatus();
}

}  // namespace

bool IsLoopbackListen(const std::string& listen) {
  const std::string host = listen.substr(0, listen.rfind(':'));
  return host == "localhost" || absl::StartsWith(host, "127.") || host == "[::1]" || host == "::1";
}

absl::StatusOr<std::string> NormalizeListenAddress(absl::string_view flag,
                                                   absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  absl::string_view host = colon == absl::string_view::npos ? "" : listen.substr(0, colon);
  absl::string_view port_text = colon == absl::string_view::npos ? listen : listen.substr(colon + 1);
  int port = -1;
  if (!absl::SimpleAtoi(port_text, &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--", flag, ": expected host:port or a port, with a port in [0, 65535]"));
  }
  return absl::StrCat(host.empty() ? "127.0.0.1" : host, ":", port);
}

void AppendAuthOptions(std::vector<GatewayOption>* options) {
  options->push_back(Text("state", "GHL_STATE_FILE",
                          "SQLite state file: GHL credentials (encrypted) and caller API keys; "
                          "with it every call needs an API key",
                          &GatewayAuthConfig::state_file));
  options->push_back(Text("state-key-file", "GHL_STATE_KEY_FILE",
                          "file with the state encryption key (64 hex digits); else GHL_STATE_KEY",
                          &GatewayAuthConfig::state_key_file));
  options->push_back(Text("credentials-file", "GHL_CREDENTIALS_FILE",
                          "JSON file of OAuth tokens to add at start: [{\"locationId\", "
                          "\"refreshToken\", ...}]",
                          &GatewayAuthConfig::credentials_file));
  options->push_back(Text("oauth-client-id", "GHL_OAUTH_CLIENT_ID",
                          "the marketplace app's client id", &GatewayAuthConfig::oauth_client_id));
  options->push_back(Text("oauth-client-secret-file", "GHL_OAUTH_CLIENT_SECRET_FILE",
                          "file with the app's client secret; else GHL_OAUTH_CLIENT_SECRET",
                          &GatewayAuthConfig::oauth_client_secret_file));
  options->push_back(Text("oauth-url", "GHL_OAUTH_URL",
                          "base URL of /oauth/token etc. (default: --upstream)",
                          &GatewayAuthConfig::oauth_url));
  options->push_back(Text("oauth-authorize-url", "GHL_OAUTH_AUTHORIZE_URL",
                          "the marketplace authorization page",
                          &GatewayAuthConfig::oauth_authorize_url));
  options->push_back(Text("oauth-redirect-uri", "GHL_OAUTH_REDIRECT_URI",
                          "the app's redirect URI (reaches --http-listen's /oauth/callback)",
                          &GatewayAuthConfig::oauth_redirect_uri));
  options->push_back(Text("oauth-app-id", "GHL_OAUTH_APP_ID",
                          "the marketplace app id (company installs: installed locations)",
                          &GatewayAuthConfig::oauth_app_id));
  options->push_back(
      {"http-listen", "GHL_HTTP_LISTEN", "host:port of the HTTP listener for /oauth/callback",
       [](const GatewayConfig& c) { return c.auth.http_listen; },
       [](const std::string& v, GatewayConfig* c) {
         const auto colon = v.rfind(':');
         int port = -1;
         if (colon == std::string::npos || colon == 0 ||
             !absl::SimpleAtoi(v.substr(colon + 1), &port) || port < 0 || port > 65535) {
           return absl::InvalidArgumentError(
               "--http-listen: expected host:port with a port in [0, 65535]");
         }
         c->auth.http_listen = v;
         return absl::OkStatus();
       }});
  options->push_back({"refresh-margin-s", "GHL_REFRESH_MARGIN_S",
                      "renew OAuth tokens this many seconds before expiry",
                      [](const GatewayConfig& c) {
                        return absl::StrCat(absl::ToInt64Seconds(c.auth.refresh_margin));
                      },
                      [](const std::string& v, GatewayConfig* c) {
                        int x = 0;
                        if (!absl::SimpleAtoi(v, &x) || x < 0 || x > 86400) {
                          return absl::InvalidArgumentError(
                              "--refresh-margin-s: expected an integer in [0, 86400]");
                        }
                        c->auth.refresh_margin = absl::Seconds(x);
                        return absl::OkStatus();
                      }});
  options->push_back(Text("tls-cert", "GHL_TLS_CERT", "PEM certificate chain for the gRPC port",
                          &GatewayAuthConfig::tls_cert_file));
  options->push_back(Text("tls-key", "GHL_TLS_KEY", "PEM private key for --tls-cert",
                          &GatewayAuthConfig::tls_key_file));
  options->push_back(Text("tls-client-ca", "GHL_TLS_CLIENT_CA",
                          "PEM CA bundle: require client certificates it signed (mTLS)",
                          &GatewayAuthConfig::tls_client_ca_file));
}

absl::Status ResolveAuthConfig(const std::map<std::string, std::string>& env,
                               GatewayConfig* config) {
  GatewayAuthConfig& a = config->auth;
  if (auto it = env.find("GHL_STATE_KEY"); it != env.end()) a.state_key = it->second;
  if (!a.oauth_client_secret_file.empty()) {
    if (auto s = ReadSecretFile(a.oauth_client_secret_file, "oauth-client-secret-file",
                                &a.oauth_client_secret);
        !s.ok()) {
      return s;
    }
  } else if (auto it = env.find("GHL_OAUTH_CLIENT_SECRET"); it != env.end()) {
    a.oauth_client_secret = it->second;
  }
  if (!a.oauth_client_id.empty() && a.oauth_client_secret.empty()) {
    return absl::InvalidArgumentError(
        "--oauth-client-id needs the client secret: --oauth-client-secret-file or "
        "GHL_OAUTH_CLIENT_SECRET");
  }
  if (a.tls_cert_file.empty() != a.tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls-cert and --tls-key go together");
  }
  if (!a.tls_client_ca_file.empty() && a.tls_cert_file.empty()) {
    return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
  }
  if (!a.http_listen.empty() && a.oauth_client_id.empty()) {
    return absl::InvalidArgumentError(
        "--http-listen serves /oauth/callback: it needs --oauth-client-id");
  }
  // The callback's CSRF check (the one-time state `ghlctl auth --state`
  // issues) and the rotating refresh tokens it obtains both live in the state
  // file: without one, anyone reaching the listener could connect their own
  // GHL account, and a restart would lose the location.
  if (!a.http_listen.empty() && a.state_file.empty()) {
    return absl::InvalidArgumentError(
        "--http-listen serves /oauth/callback: it needs --state FILE (the callback's one-time "
        "states and the refresh tokens it obtains are kept there)");
  }
  if (!IsLoopbackListen(config->listen) && a.state_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--listen ", config->listen,
        " is not a loopback address: callers must then present API keys, which live in the "
        "state file (pass --state FILE and create keys with `ghlctl keys create`)"));
  }
  return absl::OkStatus();
}

}  // namespace ghl::server
