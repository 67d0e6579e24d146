#include "server/gateway_webhook_config.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/gateway_auth_config.h"
#include "server/gateway_config.h"

namespace ghl::server {
namespace {

absl::Status SetSeconds(const char* flag, const std::string& v, int lo, int hi, absl::Duration* out) {
  int x = 0;
  if (!absl::SimpleAtoi(v, &x) || x < lo || x > hi) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": expected an integer in [", lo, ", ", hi, "]"));
  }
  *out = absl::Seconds(x);
  return absl::OkStatus();
}

GatewayOption KeyFiles(const char* flag, const char* env, const char* help,
                       std::vector<std::string> GatewayWebhookConfig::*field) {
  return {flag, env, help,
          [field](const GatewayConfig& c) { return absl::StrJoin(c.webhook.*field, ","); },
          [field, flag](const std::string& v, GatewayConfig* c) {
            std::vector<std::string> files;
            for (absl::string_view f : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
              files.emplace_back(absl::StripAsciiWhitespace(f));
            }
            if (files.empty()) {
              return absl::InvalidArgumentError(
                  absl::StrCat("--", flag, ": expected comma-separated key files"));
            }
            c->webhook.*field = std::move(files);
            return absl::OkStatus();
          }};
}

// Reads each file of `files` into `keys`; errors name the flag and file
// (ReadKeyFile never quotes the content).
absl::Status ReadKeys(const char* flag, const std::vector<std::string>& files,
                      std::vector<std::string>* keys) {
  for (const std::string& file : files) {
    auto key = ghl::webhooks::ReadKeyFile(file);
    if (!key.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", key.status().message()));
    }
    keys->push_back(*std::move(key));
  }
  return absl::OkStatus();
}

}  // namespace

void AppendWebhookOptions(std::vector<GatewayOption>* options) {
  options->push_back(
      {"webhook-listen", "GHL_WEBHOOK_LISTEN",
       "host:port (or a port: loopback) of the webhook listener (POST /webhooks/ghl, GET "
       "/healthz); off when empty; needs --event-log",
       [](const GatewayConfig& c) { return c.webhook.listen; },
       [](const std::string& v, GatewayConfig* c) {
         if (v.empty()) {
           c->webhook.listen.clear();
           return absl::OkStatus();
         }
         auto normalized = NormalizeListenAddress("webhook-listen", v);
         if (!normalized.ok()) return normalized.status();
         c->webhook.listen = *normalized;
         return absl::OkStatus();
       }});
  options->push_back({"event-log", "GHL_EVENT_LOG",
                      "SQLite file of the webhook event log (created 0600); WatchEvents streams it",
                      [](const GatewayConfig& c) { return c.webhook.event_log; },
                      [](const std::string& v, GatewayConfig* c) {
                        c->webhook.event_log = v;
                        return absl::OkStatus();
                      }});
  options->push_back(KeyFiles("webhook-ed25519-key", "GHL_WEBHOOK_ED25519_KEYS",
                              "comma-separated Ed25519 public key files (PEM or base64 SPKI) for "
                              "X-GHL-Signature (default without any key option: GHL's production key)",
                              &GatewayWebhookConfig::ed25519_key_files));
  options->push_back(KeyFiles("webhook-rsa-key", "GHL_WEBHOOK_RSA_KEYS",
                              "comma-separated RSA public key files (PEM) for the legacy "
                              "x-wh-signature (default without any key option: GHL's production key)",
                              &GatewayWebhookConfig::rsa_key_files));
  options->push_back({"webhook-key-dir", "GHL_WEBHOOK_KEY_DIR",
                      "directory with ed25519.pub.pem and rsa.pub.pem (as `ghl-sandbox "
                      "--webhook-key-dir` writes them): trust those keys",
                      [](const GatewayConfig& c) { return c.webhook.key_dir; },
                      [](const std::string& v, GatewayConfig* c) {
                        c->webhook.key_dir = v;
                        return absl::OkStatus();
                      }});
  options->push_back({"webhook-window-s", "GHL_WEBHOOK_WINDOW_S",
                      "a delivery whose timestamp is further than this from now is stale (401)",
                      [](const GatewayConfig& c) {
                        return absl::StrCat(absl::ToInt64Seconds(c.webhook.window));
                      },
                      [](const std::string& v, GatewayConfig* c) {
                        return SetSeconds("webhook-window-s", v, 1, 86400, &c->webhook.window);
                      }});
  options->push_back({"webhook-max-body-kb", "GHL_WEBHOOK_MAX_BODY_KB",
                      "largest webhook body accepted, KiB (bigger: 413)",
                      [](const GatewayConfig& c) { return absl::StrCat(c.webhook.max_body_kb); },
                      [](const std::string& v, GatewayConfig* c) {
                        int x = 0;
                        if (!absl::SimpleAtoi(v, &x) || x < 1 || x > 65536) {
                          return absl::InvalidArgumentError(
                              "--webhook-max-body-kb: expected an integer in [1, 65536]");
                        }
                        c->webhook.max_body_kb = x;
                        return absl::OkStatus();
                      }});
  options->push_back({"watch-heartbeat-s", "GHL_WATCH_HEARTBEAT_S",
                      "a caught-up WatchEvents stream sends a heartbeat (read_offset only) this often",
                      [](const GatewayConfig& c) {
                        return absl::StrCat(absl::ToInt64Seconds(c.webhook.watch_heartbeat));
                      },
                      [](const std::string& v, GatewayConfig* c) {
                        return SetSeconds("watch-heartbeat-s", v, 1, 3600,
                                          &c->webhook.watch_heartbeat);
                      }});
}

absl::Status ResolveWebhookConfig(GatewayConfig* config) {
  GatewayWebhookConfig& w = config->webhook;
  // An accepted (200) delivery is never sent again by GHL: it must be on
  // disk before the answer, and still there after a restart.
  if (!w.listen.empty() && w.event_log.empty()) {
    return absl::InvalidArgumentError(
        "--webhook-listen needs --event-log FILE (an accepted webhook must survive a restart)");
  }
  ghl::webhooks::WebhookKeys keys;
  if (auto s = ReadKeys("webhook-ed25519-key", w.ed25519_key_files, &keys.ed25519); !s.ok()) return s;
  if (auto s = ReadKeys("webhook-rsa-key", w.rsa_key_files, &keys.rsa); !s.ok()) return s;
  if (!w.key_dir.empty()) {
    if (auto s = ReadKeys("webhook-key-dir", {w.key_dir + "/ed25519.pub.pem"}, &keys.ed25519); !s.ok())
      return s;
    if (auto s = ReadKeys("webhook-key-dir", {w.key_dir + "/rsa.pub.pem"}, &keys.rsa); !s.ok())
      return s;
  }
  if (keys.ed25519.empty() && keys.rsa.empty()) keys = ghl::webhooks::WebhookKeys::GhlProduction();
  w.keys = std::move(keys);
  return absl::OkStatus();
}

}  // namespace ghl::server
