// GatewayAuth: the credential and access half of the assembled gateway,
// built in one place from GatewayConfig: the token source (private-
// integration tokens, OAuth, minted location tokens) over the token store
// (the SQLite state file, or memory), the caller API key store, the OAuth
// callback listener and the gRPC server credentials (TLS or insecure).
//
// Rules (README "Credentials and callers"): with a state file, every call of
// an annotated method needs an API key; without one the gateway must listen
// on loopback (checked in gateway_auth_config.cc) and takes every caller.
//
// Thread-safety: built once on the starting thread; the parts are
// concurrent.
#ifndef GHL_SERVER_GATEWAY_AUTH_H_
#define GHL_SERVER_GATEWAY_AUTH_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/statusor.h"
#include "adapters/ghl/auth/api_key_store.h"
#include "adapters/ghl/auth/credential_token_source.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/http/http_transport.h"
#include "server/gateway_config.h"
#include "server/oauth_callback.h"

namespace ghl::server {

struct GatewayAuth {
  /// Held while the gateway runs: one gateway per state file (two would
  /// each rotate the other's refresh tokens dead). Declared first, so it is
  /// released last.
  std::shared_ptr<void> state_lock;
  std::shared_ptr<auth::TokenSource> tokens;
  /// The same source when it is a CredentialTokenSource (OAuth-capable).
  std::shared_ptr<auth::CredentialTokenSource> credentials;
  /// Null: callers are not authenticated.
  std::shared_ptr<auth::ApiKeyStore> keys;
  std::unique_ptr<OAuthCallbackServer> callback;
  std::shared_ptr<grpc::ServerCredentials> server_credentials;
};

/// @param injected a token source to use instead of building one (tests).
/// @return the errors of the state file, its key, TLS files or the listener,
///         naming the flag or file.
absl::StatusOr<std::unique_ptr<GatewayAuth>> BuildGatewayAuth(
    const GatewayConfig& config, std::shared_ptr<http::HttpTransport> transport,
    std::shared_ptr<auth::TokenSource> injected);

}  // namespace ghl::server

#endif  // GHL_SERVER_GATEWAY_AUTH_H_
