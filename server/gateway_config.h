// The gateway's settings: one struct, built in one place from a config file
// (--config, server/config_file.h), environment variables and flags, in that
// order of precedence (a flag wins over its variable, a variable over the
// file), validated before the server starts. Every option of the table
// (GatewayOptions()) is a flag, a variable and a config-file key. Errors
// name the flag, variable or FILE:LINE: key; secrets are never echoed.
//
// Thread-safety: pure functions over their arguments (the option table is
// built once, thread-safely, and never changes).
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
  /// Per-call log lines (server/call_log.h): json or text; debug, info,
  /// warn, error or off; a file to append to (empty: stderr).
  std::string log_format = "json";
  std::string log_level = "info";
  std::string log_file;
  /// location id -> token, from the tokens file and GHL_LOCATION_TOKENS.
  std::map<std::string, std::string> tokens;
  /// Credentials, caller keys, OAuth, TLS (gateway_auth_config.h).
  GatewayAuthConfig auth;
  /// The --config file read (empty: none).
  std::string config_file;
  /// Webhook listener, event log, verification keys (gateway_webhook_config.h).
  GatewayWebhookConfig webhook;
  bool help = false;
};

/// Every option (flag, variable, config key, default, setter), in --help
/// order. Tests iterate it so a new option cannot miss the file or --help.
const std::vector<GatewayOption>& GatewayOptions();

/// Applies the `key = value` entries of the config file at `path` to
/// `config` through the option table. Refuses unknown keys, `config`
/// itself and secrets (see gateway_config.cc kSecretKeys).
/// @return INVALID_ARGUMENT "FILE:LINE: key: reason".
absl::Status ApplyConfigFile(const std::string& path, GatewayConfig* config);

/// The --help text: every option with its flag, variable, config key and
/// default.
std::string GatewayUsage();

/// Builds the config from argv (without argv[0]) and an environment lookup.
absl::StatusOr<GatewayConfig> ParseGatewayConfig(const std::vector<std::string>& args,
                                                 const std::map<std::string, std::string>& env);

}  // namespace ghl::server

#endif  // GHL_SERVER_GATEWAY_CONFIG_H_
