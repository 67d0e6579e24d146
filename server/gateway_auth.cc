#include "server/gateway_auth.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "adapters/ghl/auth/credentials_file.h"
#include "adapters/ghl/auth/sqlite_db.h"
#include "adapters/ghl/auth/sqlite_token_store.h"
#include "adapters/ghl/core/clock.h"

namespace ghl::server {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read ", path));
  std::stringstream buf;
  buf << in.rdbuf();
  if (buf.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", path, " is not a PEM file"));
  }
  return buf.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentials(
    const GatewayAuthConfig& a) {
  if (a.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
  auto cert = ReadPem(a.tls_cert_file, "tls-cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(a.tls_key_file, "tls-key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!a.tls_client_ca_file.empty()) {
    auto ca = ReadPem(a.tls_client_ca_file, "tls-client-ca");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

// Takes an exclusive lock on `<state file>.lock` for the life of the
// returned handle. (`ghlctl keys` opens the state file itself and does not
// take it: SQLite serialises its writes, and keys are not rotated.)
absl::StatusOr<std::shared_ptr<void>> LockStateFile(const std::string& state_file) {
  const std::string path = state_file + ".lock";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    close(fd);
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the state file ", state_file,
          " is in use by another ghl-gateway (one gateway per state file: two would each "
          "rotate the other's refresh tokens dead)"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot lock ", path, ": ", std::strerror(error)));
  }
  return std::shared_ptr<void>(nullptr, [fd](void*) { close(fd); });
}

}  // namespace

absl::StatusOr<std::unique_ptr<GatewayAuth>> BuildGatewayAuth(
    const GatewayConfig& config, std::shared_ptr<http::HttpTransport> transport,
    std::shared_ptr<auth::TokenSource> injected) {
  const GatewayAuthConfig& a = config.auth;
  auto out = std::make_unique<GatewayAuth>();
  auto creds = ServerCredentials(a);
  if (!creds.ok()) return creds.status();
  out->server_credentials = *std::move(creds);

  std::shared_ptr<auth::SqliteDb> db;
  if (!a.state_file.empty()) {
    auto lock = LockStateFile(a.state_file);
    if (!lock.ok()) return lock.status();
    out->state_lock = *std::move(lock);
    auto opened = auth::SqliteDb::Open(a.state_file);
    if (!opened.ok()) return opened.status();
    db = *std::move(opened);
    out->keys = std::make_shared<auth::SqliteApiKeyStore>(db);
  }
  std::shared_ptr<const auth::OAuthClient> client;
  if (!a.oauth_client_id.empty()) {
    auth::OAuthAppConfig app;
    app.client_id = a.oauth_client_id;
    app.client_secret = a.oauth_client_secret;
    app.base_url = a.oauth_url.empty() ? config.upstream : a.oauth_url;
    app.timeout = config.upstream_timeout;
    client = std::make_shared<auth::OAuthClient>(transport, std::move(app), DefaultClock());
  }

  if (injected) {
    out->tokens = injected;
    out->credentials = std::dynamic_pointer_cast<auth::CredentialTokenSource>(injected);
  } else {
    std::shared_ptr<auth::TokenStore> store;
    if (db) {
      auto key = auth::LoadStateKey(a.state_key_file, a.state_key);
      if (!key.ok()) return key.status();
      auto sqlite = auth::SqliteTokenStore::Open(db, *std::move(key));
      if (!sqlite.ok()) return sqlite.status();
      store = *std::move(sqlite);
    } else {
      store = std::make_shared<auth::InMemoryTokenStore>();
    }
    auth::CredentialTokenSourceOptions options;
    options.refresh_margin = a.refresh_margin;
    options.on_event = [](const std::string& line) {
      std::cerr << absl::StrCat("ghl-gateway: ", line, "\n") << std::flush;
    };
    auto source = auth::CredentialTokenSource::Create(store, client, DefaultClock(), options);
    if (!source.ok()) return source.status();
    // A token file adds (or replaces) private-integration tokens.
    for (const auto& [location, token] : config.tokens) {
      auth::Credential c;
      c.key = location;
      c.kind = auth::CredentialKind::kPrivateIntegration;
      c.access_token = token;
      if (auto s = (*source)->Put(std::move(c)); !s.ok()) return s;
    }
    if (!a.credentials_file.empty()) {
      auto imported = auth::LoadCredentialsFile(a.credentials_file);
      if (!imported.ok()) return imported.status();
      // Only new locations: a stored credential has the rotated refresh
      // token, the file's one is already dead upstream.
      for (auto& c : *imported) {
        auto added = (*source)->PutIfAbsent(std::move(c));
        if (!added.ok()) return added.status();
      }
    }
    out->credentials = *source;
    out->tokens = *std::move(source);
  }

  if (!a.http_listen.empty()) {
    if (!out->credentials || !client) {
      return absl::FailedPreconditionError(
          "--http-listen needs an OAuth app (--oauth-client-id) and the gateway's own token "
          "source");
    }
    auto callback = std::make_shared<OAuthCallback>(
        client, out->credentials, a.oauth_redirect_uri, a.oauth_app_id,
        db ? std::make_shared<auth::OAuthStateStore>(db) : nullptr);
    out->callback = std::make_unique<OAuthCallbackServer>(std::move(callback));
    if (auto s = out->callback->Start(a.http_listen); !s.ok()) return s;
  }
  return out;
}

}  // namespace ghl::server
