// Gateway: the assembled ghl-gateway (transport, stub, connection, worker
// pool, gRPC services, health, reflection, the webhook listener and event
// log) as one object, so the binary and
// the in-process integration tests build exactly the same server.
//
// Thread-safety: Start/Shutdown from one thread; the server itself is
// concurrent.
#ifndef GHL_SERVER_GATEWAY_H_
#define GHL_SERVER_GATEWAY_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/http/http_transport.h"
#include "server/gateway_config.h"

namespace ghl::server {

class Gateway {
 public:
  /// Builds and starts the server described by `config`. `transport` and
  /// `tokens` default to libcurl and the token source of gateway_auth.h.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(
      const GatewayConfig& config, std::shared_ptr<http::HttpTransport> transport = nullptr,
      std::shared_ptr<auth::TokenSource> tokens = nullptr);
  ~Gateway();

  /// The bound port.
  int port() const { return port_; }
  /// "host:port" to dial.
  std::string address() const;
  /// The OAuth callback listener's port (0 without --http-listen).
  int http_port() const;
  /// The --metrics-listen port (0 without it).
  int metrics_port() const;
  /// The --webhook-listen port (0 without it).
  int webhook_port() const;
  /// Health goes NOT_SERVING, new calls are refused, running calls get up to
  /// `grace` to finish, then the rest are cancelled. Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(10));

 private:
  Gateway() = default;
  // The webhook receiver and its listener (--webhook-listen).
  absl::Status StartWebhooks(const GatewayConfig& config);
  struct State;
  std::unique_ptr<State> state_;
  int port_ = 0;
  std::string host_;
};

}  // namespace ghl::server

#endif  // GHL_SERVER_GATEWAY_H_
