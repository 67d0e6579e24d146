// The gateway's webhook and event-log settings (issue 6), kept apart from
// gateway_config.h like the auth settings: the webhook HTTP listener, the
// SQLite event log, the public keys deliveries are verified with, the
// receiver's limits and the WatchEvents heartbeat. Parsed with the other
// options (same flag/env rules) by gateway_config.cc through
// AppendWebhookOptions; ResolveWebhookConfig checks the combination and
// reads the key files.
//
// Key files hold public keys only; still, their content is never printed
// (errors name the flag and the file).
//
// Thread-safety: plain data and pure functions.
#ifndef GHL_SERVER_GATEWAY_WEBHOOK_CONFIG_H_
#define GHL_SERVER_GATEWAY_WEBHOOK_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "adapters/ghl/webhooks/webhook_verifier.h"

namespace ghl::server {

struct GatewayConfig;
struct GatewayOption;

struct GatewayWebhookConfig {
  /// host:port of the webhook listener (POST /webhooks/ghl); empty: none. A
  /// bare port means loopback (normalized when parsed).
  std::string listen;
  /// The SQLite event log (required with `listen`; without `listen` the log
  /// is still served by WatchEvents).
  std::string event_log;
  /// Public key files (PEM or base64 SPKI) per scheme.
  std::vector<std::string> ed25519_key_files;
  std::vector<std::string> rsa_key_files;
  /// A ghl-sandbox key directory (ed25519.pub.pem, rsa.pub.pem).
  std::string key_dir;
  /// Deliveries whose `timestamp` is further than this from now are stale.
  absl::Duration window = absl::Seconds(300);
  /// Largest webhook body accepted, KiB.
  int max_body_kb = 1024;
  /// WatchEvents sends a heartbeat (read_offset only) after this long
  /// caught up without an event.
  absl::Duration watch_heartbeat = absl::Seconds(15);
  /// Filled by ResolveWebhookConfig: the keys read from the files above, or
  /// GHL's production keys when none is given.
  ghl::webhooks::WebhookKeys keys;
};

/// Adds the options of GatewayWebhookConfig to `options`.
void AppendWebhookOptions(std::vector<GatewayOption>* options);

/// After parsing: --webhook-listen needs --event-log; reads the key files
/// (or takes WebhookKeys::GhlProduction()).
/// @return INVALID_ARGUMENT naming the flag (and the file), never its content.
absl::Status ResolveWebhookConfig(GatewayConfig* config);

}  // namespace ghl::server

#endif  // GHL_SERVER_GATEWAY_WEBHOOK_CONFIG_H_
