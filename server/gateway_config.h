// The gateway's settings: one struct, built in one place from flags and
// environment variables (a flag wins over its variable), validated before
// the server starts. Errors name the flag or variable; token values are
// never echoed.
#ifndef GHL_SERVER_GATEWAY_CONFIG_H_
#define GHL_SERVER_GATEWAY_CONFIG_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/gateway_auth_config.h"
#include "server/gateway_webhook_config.h"

namespace ghl::server {

struct GatewayConfig {
  /// gRPC listen address. Loopback by default; any other address needs caller
  /// API keys (auth.state_file).
  std::string listen = "127.0.0.1:50051";
  /// GHL base URL.
  std::string upstream = "https://services.leadconnectorhq.com";
  /// JSON tokens file ([{locationId, token}]); see auth/token_source.h.
  std::string tokens_file;
  /// Threads doing upstream work.
  int workers = 8;
  absl::Duration upstream_timeout = absl::Seconds(30);
  int retry_max_attempts = 6;
  absl::Duration retry_initial_backoff = absl::Milliseconds(250);
  absl::Duration retry_max_backoff = absl::Seconds(10);
  absl::Duration retry_max_elapsed = absl::Seconds(60);
  /// Per-location pacing by GHL's rate-limit headers (issue 5).
  bool pacing = true;
  /// Limits assumed for a location before its first answer.
  int pacing_default_max = 100;
  absl::Duration pacing_default_interval = absl::Seconds(10);
  /// Added to each window-derived send time (network jitter).
  absl::Duration pacing_margin = absl::Milliseconds(100);
  /// Largest upstream answer accepted (a bigger one is aborted, UNAVAILABLE).
  int max_response_mb = 32;
  /// Search pages fetched ahead while paging by page number (0 = none).
  int search_prefetch_pages = 4;
  /// If set, the bound port is written here once listening (for --listen :0).
  std::string port_file;
  /// Prometheus GET /metrics listener (host:port; empty: none). A bare port
  /// means loopback.
  std::string metrics_listen;
  /// location id -> token, from the tokens file and GHL_LOCATION_TOKENS.
  std::map<std::string, std::string> tokens;
  /// Credentials, caller keys, OAuth, TLS (gateway_auth_config.h).
  GatewayAuthConfig auth;
  /// Webhook listener, event log, verification keys (gateway_webhook_config.h).
  GatewayWebhookConfig webhook;
  bool help = false;
};

/// The --help text: every option with its variable and default.
std::string GatewayUsage();

/// Builds the config from argv (without argv[0]) and an environment lookup.
absl::StatusOr<GatewayConfig> ParseGatewayConfig(const std::vector<std::string>& args,
                                                 const std::map<std::string, std::string>& env);

}  // namespace ghl::server

#endif  // GHL_SERVER_GATEWAY_CONFIG_H_
