#include "server/gateway_config.h"

#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/ghl/auth/token_source.h"
#include "adapters/ghl/http/curl_http_transport.h"
#include "server/call_log.h"
#include "server/config_file.h"
#include "server/metrics.h"

namespace ghl::server {
namespace {

using Option = GatewayOption;

absl::Status SetInt(const std::string& name, const std::string& v, int lo, int hi, int* out) {
  int x = 0;
  if (!absl::SimpleAtoi(v, &x) || x < lo || x > hi) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": expected an integer in [", lo, ", ", hi, "]"));
  }
  *out = x;
  return absl::OkStatus();
}

absl::Status SetMillis(const std::string& name, const std::string& v, absl::Duration* out) {
  int x = 0;
  if (auto s = SetInt(name, v, 1, 3600 * 1000, &x); !s.ok()) return s;
  *out = absl::Milliseconds(x);
  return absl::OkStatus();
}

std::string Ms(absl::Duration d) { return absl::StrCat(absl::ToInt64Milliseconds(d)); }

}  // namespace

const std::vector<Option>& GatewayOptions() {
  static const auto* options = [] {
    auto* core = new std::vector<Option>{
      {"listen", "GHL_GATEWAY_LISTEN", "gRPC listen address (host:port; port 0 picks one)",
       [](const GatewayConfig& c) { return c.listen; },
       [](const std::string& v, GatewayConfig* c) {
         const auto colon = v.rfind(':');
         int port = -1;
         if (colon == std::string::npos || colon == 0 || !absl::SimpleAtoi(v.substr(colon + 1), &port) ||
             port < 0 || port > 65535) {
           return absl::InvalidArgumentError("--listen: expected host:port with a port in [0, 65535]");
         }
         c->listen = v;
         return absl::OkStatus();
       }},
      {"upstream", "GHL_UPSTREAM_URL", "GHL API base URL",
       [](const GatewayConfig& c) { return c.upstream; },
       [](const std::string& v, GatewayConfig* c) {
         if (auto s = http::CheckBaseUrl(v); !s.ok()) {
           return absl::InvalidArgumentError(absl::StrCat("--upstream: ", s.message()));
         }
         c->upstream = v;
         return absl::OkStatus();
       }},
      {"tokens-file", "GHL_TOKENS_FILE", "JSON file of [{\"locationId\",\"token\"}] (private-integration tokens)",
       [](const GatewayConfig& c) { return c.tokens_file; },
       [](const std::string& v, GatewayConfig* c) {
         c->tokens_file = v;
         return absl::OkStatus();
       }},
      {"workers", "GHL_GATEWAY_WORKERS", "threads doing upstream calls",
       [](const GatewayConfig& c) { return absl::StrCat(c.workers); },
       [](const std::string& v, GatewayConfig* c) { return SetInt("--workers", v, 1, 256, &c->workers); }},
      {"upstream-timeout-ms", "GHL_UPSTREAM_TIMEOUT_MS", "timeout of one upstream HTTP exchange",
       [](const GatewayConfig& c) { return Ms(c.upstream_timeout); },
       [](const std::string& v, GatewayConfig* c) {
         return SetMillis("--upstream-timeout-ms", v, &c->upstream_timeout);
       }},
      {"retry-max-attempts", "GHL_RETRY_MAX_ATTEMPTS", "attempts per upstream read, first included",
       [](const GatewayConfig& c) { return absl::StrCat(c.retry_max_attempts); },
       [](const std::string& v, GatewayConfig* c) {
         return SetInt("--retry-max-attempts", v, 1, 100, &c->retry_max_attempts);
       }},
      {"retry-initial-backoff-ms", "GHL_RETRY_INITIAL_BACKOFF_MS", "first backoff (doubles each retry)",
       [](const GatewayConfig& c) { return Ms(c.retry_initial_backoff); },
       [](const std::string& v, GatewayConfig* c) {
         return SetMillis("--retry-initial-backoff-ms", v, &c->retry_initial_backoff);
       }},
      {"retry-max-backoff-ms", "GHL_RETRY_MAX_BACKOFF_MS", "longest single backoff",
       [](const GatewayConfig& c) { return Ms(c.retry_max_backoff); },
       [](const std::string& v, GatewayConfig* c) {
         return SetMillis("--retry-max-backoff-ms", v, &c->retry_max_backoff);
       }},
      {"retry-max-elapsed-ms", "GHL_RETRY_MAX_ELAPSED_MS", "time budget of one call's retries",
       [](const GatewayConfig& c) { return Ms(c.retry_max_elapsed); },
       [](const std::string& v, GatewayConfig* c) {
         return SetMillis("--retry-max-elapsed-ms", v, &c->retry_max_elapsed);
       }},
      // Pacing (issue 5): the per-location budget fed by GHL's headers.
      {"pacing", "GHL_PACING", "pace calls per location by GHL's X-RateLimit-* headers (on|off)",
       [](const GatewayConfig& c) { return std::string(c.pacing ? "on" : "off"); },
       [](const std::string& v, GatewayConfig* c) {
         if (v != "on" && v != "off") return absl::InvalidArgumentError("--pacing: expected on or off");
         c->pacing = v == "on";
         return absl::OkStatus();
       }},
      {"rate-limit-max", "GHL_RATE_LIMIT_MAX",
       "requests per interval assumed for a location until GHL's headers say (X-RateLimit-Max)",
       [](const GatewayConfig& c) { return absl::StrCat(c.pacing_default_max); },
       [](const std::string& v, GatewayConfig* c) {
         return SetInt("--rate-limit-max", v, 1, 1000000, &c->pacing_default_max);
       }},
      {"rate-limit-interval-ms", "GHL_RATE_LIMIT_INTERVAL_MS",
       "burst interval assumed until GHL's headers say (X-RateLimit-Interval-Milliseconds)",
       [](const GatewayConfig& c) { return Ms(c.pacing_default_interval); },
       [](const std::string& v, GatewayConfig* c) {
         return SetMillis("--rate-limit-interval-ms", v, &c->pacing_default_interval);
       }},
      {"max-response-mb", "GHL_MAX_RESPONSE_MB", "largest upstream answer accepted, in MiB (bigger ones are aborted)",
       [](const GatewayConfig& c) { return absl::StrCat(c.max_response_mb); },
       [](const std::string& v, GatewayConfig* c) {
         return SetInt("--max-response-mb", v, 1, 1024, &c->max_response_mb);
       }},
      {"search-prefetch-pages", "GHL_SEARCH_PREFETCH_PAGES",
       "search pages kept in flight ahead of the caller while GHL pages by number (0 = one at a time)",
       [](const GatewayConfig& c) { return absl::StrCat(c.search_prefetch_pages); },
       [](const std::string& v, GatewayConfig* c) {
         return SetInt("--search-prefetch-pages", v, 0, 16, &c->search_prefetch_pages);
       }},
      {"pacing-margin-ms", "GHL_PACING_MARGIN_MS",
       "safety margin added to each window-derived send time (network jitter)",
       [](const GatewayConfig& c) { return Ms(c.pacing_margin); },
       [](const std::string& v, GatewayConfig* c) {
         int ms = 0;
         if (auto s = SetInt("--pacing-margin-ms", v, 0, 60000, &ms); !s.ok()) return s;
         c->pacing_margin = absl::Milliseconds(ms);
         return absl::OkStatus();
       }},
      {"port-file", "GHL_GATEWAY_PORT_FILE", "write the bound port here once listening",
       [](const GatewayConfig& c) { return c.port_file; },
       [](const std::string& v, GatewayConfig* c) {
         c->port_file = v;
         return absl::OkStatus();
       }},
      {"metrics-listen", "GHL_METRICS_LISTEN",
       "host:port (or a port: loopback) of the Prometheus GET /metrics listener; off when empty",
       [](const GatewayConfig& c) { return c.metrics_listen; },
       [](const std::string& v, GatewayConfig* c) {
         if (v.empty()) {
           c->metrics_listen.clear();
           return absl::OkStatus();
         }
         auto normalized = NormalizeMetricsListen(v);
         if (!normalized.ok()) return normalized.status();
         c->metrics_listen = *normalized;
         return absl::OkStatus();
       }},
      // Per-call logs (issue 7, server/call_log.h).
      {"log-format", "GHL_LOG_FORMAT", "per-call log lines: json (one object a line) or text (key=value)",
       [](const GatewayConfig& c) { return c.log_format; },
       [](const std::string& v, GatewayConfig* c) {
         if (auto f = ParseLogFormat(v); !f.ok()) return f.status();
         c->log_format = v;
         return absl::OkStatus();
       }},
      {"log-level", "GHL_LOG_LEVEL",
       "least level logged: debug, info (every call), warn (failed calls), error (server and "
       "upstream errors) or off",
       [](const GatewayConfig& c) { return c.log_level; },
       [](const std::string& v, GatewayConfig* c) {
         if (auto l = ParseLogLevel(v); !l.ok()) return l.status();
         c->log_level = v;
         return absl::OkStatus();
       }},
      {"log-file", "GHL_LOG_FILE", "append the per-call log lines to this file instead of stderr",
       [](const GatewayConfig& c) { return c.log_file; },
       [](const std::string& v, GatewayConfig* c) {
         c->log_file = v;
         return absl::OkStatus();
       }},
  };
    AppendAuthOptions(core);
    AppendWebhookOptions(core);
    return core;
  }();
  return *options;
}

namespace {

const std::vector<Option>& Options() { return GatewayOptions(); }

// Keys a config file must not carry: secrets sit in their own files (mode
// 0600, readable by the gateway only) or in the environment, so the config
// file can be shared, versioned and printed without leaking them.
struct SecretKey {
  const char* key;
  const char* instead;
};
constexpr SecretKey kSecretKeys[] = {
    {"state-key", "state-key-file (a file holding the key) or GHL_STATE_KEY"},
    {"oauth-client-secret", "oauth-client-secret-file or GHL_OAUTH_CLIENT_SECRET"},
    {"location-tokens", "tokens-file or GHL_LOCATION_TOKENS"},
    {"token", "tokens-file or GHL_LOCATION_TOKENS"},
    {"api-key", "the caller sends its key; create one with `ghlctl keys create`"},
};

// "--workers: expected ..." -> "expected ...": the file message names the key.
std::string Reason(const Option& o, const absl::Status& s) {
  std::string m(s.message());
  const std::string prefix = absl::StrCat("--", o.flag, ": ");
  if (absl::StartsWith(m, prefix)) m = m.substr(prefix.size());
  return m;
}

// The --config path: the flag (either form) wins over GHL_GATEWAY_CONFIG.
absl::StatusOr<std::string> ConfigPath(const std::vector<std::string>& args,
                                       const std::map<std::string, std::string>& env) {
  std::string path;
  if (auto it = env.find("GHL_GATEWAY_CONFIG"); it != env.end()) path = it->second;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config") {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError("--config: needs a value");
      path = args[++i];
    } else if (absl::StartsWith(args[i], "--config=")) {
      path = args[i].substr(9);
    }
  }
  return path;
}

}  // namespace

absl::Status ApplyConfigFile(const std::string& path, GatewayConfig* config) {
  auto entries = ReadConfigFile(path);
  if (!entries.ok()) return entries.status();
  for (const auto& e : *entries) {
    if (e.key == "config") return ConfigEntryError(path, e, "a config file cannot name another");
    for (const auto& secret : kSecretKeys) {
      if (e.key == secret.key) {
        return ConfigEntryError(path, e,
                                absl::StrCat("secrets are not accepted in the config file; use ",
                                             secret.instead));
      }
    }
    const Option* option = nullptr;
    for (const auto& o : Options()) {
      if (e.key == o.flag) option = &o;
    }
    if (option == nullptr) {
      return ConfigEntryError(path, e, "unknown key (the keys are the flag names without --; see --help)");
    }
    if (auto s = option->set(e.value, config); !s.ok()) {
      return ConfigEntryError(path, e, Reason(*option, s));
    }
  }
  config->config_file = path;
  return absl::OkStatus();
}

std::string GatewayUsage() {
  std::string out =
      "usage: ghl-gateway [--option=value | --option value]...\n\n"
      "Serves ghl.contacts.v1 over gRPC in front of the GHL API v2.\n"
      "Each option may also come from its environment variable and from the\n"
      "--config file (`key = value` lines, key = the flag name without --).\n"
      "Precedence: file < environment < flag. Secrets are never accepted in the\n"
      "file: use the *-file options or their environment variables.\n"
      "Location tokens: --tokens-file and/or GHL_LOCATION_TOKENS=\"LOCATION=TOKEN;...\"\n"
      "(for a location in both, the file's token is used).\n\n";
  absl::StrAppend(&out,
                  "  --config FILE (GHL_GATEWAY_CONFIG)\n      read options from FILE first "
                  "(see above); default: (none)\n");
  GatewayConfig defaults;
  for (const auto& o : Options()) {
    absl::StrAppend(&out, "  --", o.flag, " (", o.env, ") [config: ", o.flag, "]\n      ", o.help,
                    "; default: ",
                    o.default_value(defaults).empty() ? "(none)" : o.default_value(defaults), "\n");
  }
  absl::StrAppend(&out, "  --help\n      this text\n");
  return out;
}

absl::StatusOr<GatewayConfig> ParseGatewayConfig(const std::vector<std::string>& args,
                                                 const std::map<std::string, std::string>& env) {
  GatewayConfig config;
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      config.help = true;
      return config;
    }
  }
  auto config_path = ConfigPath(args, env);
  if (!config_path.ok()) return config_path.status();
  if (!config_path->empty()) {
    if (auto s = ApplyConfigFile(*config_path, &config); !s.ok()) return s;
  }
  for (const auto& o : Options()) {
    auto it = env.find(o.env);
    if (it != env.end() && !it->second.empty()) {
      if (auto s = o.set(it->second, &config); !s.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(o.env, " (", s.message(), ")"));
      }
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "--config") {  // read above, before the variables
      ++i;
      continue;
    }
    if (absl::StartsWith(arg, "--config=")) continue;
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "' (see --help)"));
    }
    std::string name = arg.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Option* option = nullptr;
    for (const auto& o : Options()) {
      if (name == o.flag) option = &o;
    }
    if (option == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown option --", name, " (see --help)"));
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrCat("--", name, ": needs a value"));
      value = args[++i];
    }
    if (auto s = option->set(value, &config); !s.ok()) return s;
  }
  if (!config.tokens_file.empty()) {
    auto tokens = auth::LoadTokensFile(config.tokens_file);
    if (!tokens.ok()) return tokens.status();
    config.tokens = std::move(*tokens);
  }
  if (auto it = env.find("GHL_LOCATION_TOKENS"); it != env.end() && !it->second.empty()) {
    auto tokens = auth::ParseTokensEnv(it->second);
    if (!tokens.ok()) return tokens.status();
    // The file (a flag) wins over the variable for a location in both.
    for (auto& [loc, tok] : *tokens) config.tokens.emplace(loc, tok);
  }
  if (auto s = ResolveAuthConfig(env, &config); !s.ok()) return s;
  if (auto s = ResolveWebhookConfig(&config); !s.ok()) return s;
  return config;
}

}  // namespace ghl::server
