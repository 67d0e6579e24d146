// The OAuth redirect target: GHL sends the installing admin's browser to
// `<redirect_uri>?code=...`; OAuthCallback exchanges the code at
// /oauth/token and stores the tokens through the CredentialTokenSource
// (a Location token as that location's credential; a Company token as the
// company's, then a minted token for each installed location).
// OAuthCallbackServer is the small HTTP listener (cpp-httplib, included only
// in its .cc) serving `GET /oauth/callback` and `GET /healthz`.
//
// Pages never show a token or the code; errors say what failed.
//
// Thread-safety: Handle is safe for concurrent use; Start/Stop from one
// thread.
#ifndef GHL_SERVER_OAUTH_CALLBACK_H_
#define GHL_SERVER_OAUTH_CALLBACK_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "adapters/ghl/auth/credential_token_source.h"
#include "adapters/ghl/auth/oauth_client.h"
#include "adapters/ghl/auth/oauth_state_store.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace ghl::server {

/// What the browser gets back.
struct CallbackPage {
  int status = 200;
  std::string body;  ///< text/plain
};

class OAuthCallback {
 public:
  /// @param states null: no `state` check (a gateway without a state
  ///        file); else every callback must bring a state it issued.
  OAuthCallback(std::shared_ptr<const auth::OAuthClient> client,
                std::shared_ptr<auth::CredentialTokenSource> tokens, std::string redirect_uri,
                std::string app_id, std::shared_ptr<auth::OAuthStateStore> states = nullptr)
      : client_(std::move(client)),
        tokens_(std::move(tokens)),
        redirect_uri_(std::move(redirect_uri)),
        app_id_(std::move(app_id)),
        states_(std::move(states)) {}

  /// Handles the query of one `GET /oauth/callback`.
  CallbackPage Handle(const std::multimap<std::string, std::string>& query) const;

 private:
  std::shared_ptr<const auth::OAuthClient> client_;
  std::shared_ptr<auth::CredentialTokenSource> tokens_;
  std::string redirect_uri_;
  std::string app_id_;
  std::shared_ptr<auth::OAuthStateStore> states_;
};

class OAuthCallbackServer {
 public:
  explicit OAuthCallbackServer(std::shared_ptr<OAuthCallback> callback);
  ~OAuthCallbackServer();
  /// Binds `listen` (host:port, port 0 picks one) and serves on a thread.
  absl::Status Start(const std::string& listen);
  int port() const { return port_; }
  void Stop();

 private:
  std::shared_ptr<OAuthCallback> callback_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_OAUTH_CALLBACK_H_
