// ghl-sandbox: runs the GHL Contacts API v2 fake until SIGINT/SIGTERM.
//
// Prints exactly one line to stdout once listening:
//   ghl-sandbox listening on http://HOST:PORT
// Everything else (load summary, errors) goes to stderr. Token values are
// never printed.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/ghl-sandbox/sandbox.h"
#include "tools/ghl-sandbox/webhook_sender.h"

namespace {

constexpr char kUsage[] =
    R"(Usage: ghl-sandbox [options]

A stateful fake of the GoHighLevel Contacts API v2.

Data (one of; neither gives an empty store):
  --data DIR                 load a dataset directory (location.json, contacts.jsonl,
                             tasks.jsonl, notes.jsonl, appointments.jsonl)
  --contacts N               generate N contacts deterministically
  --seed S                   generator seed (default 1)
  --location-id ID           generated location id (default ve9EPM428h8vShlRW1KT)
  --typed-custom-values      generated custom field values as numbers/arrays
                             (default: strings, as the spec types them)

Location settings:
  --allow-duplicate-contacts accept contacts sharing an email or phone (default: refuse)
  --duplicate-order ORDER    email,phone (default) or phone,email: which field
                             identifies an existing contact first (upsert,
                             duplicate lookup, duplicate checks)

Access:
  --tokens FILE              required; JSON array of
                             {"token","locationId","scopes":[...]}

OAuth (apps/oauth.json; see README "Connecting locations"):
  --oauth-client-id ID       the registered app's client id (default: none, no OAuth)
  --oauth-client-secret-file FILE
                             its client secret (or env GHL_SANDBOX_CLIENT_SECRET)
  --oauth-app-id ID          marketplace app id (default sandboxApp0000000001)
  --oauth-company-id ID      the installing company (default sandboxCompany000001)
  --oauth-locations L1,L2    locations with the app installed (default: the data's)
  --access-token-lifetime S  OAuth access token lifetime in seconds (default 86399)

Server:
  --host HOST                default 127.0.0.1
  --port PORT                default 0 (pick a free port)
  --port-file PATH           write the bound port to PATH (default: none)
  --threads N                HTTP worker threads (default 32)

Limits (per location):
  --rate-limit-max N         requests per interval (default 100)
  --rate-limit-interval-ms N interval length (default 10000)
  --rate-limit-daily N       requests per UTC day (default 200000)
  --storm-429 N              answer the next N API requests with 429 (default 0)

Faults (deterministic by seed; repeat --fault for several rules):
  --fault SPEC               KIND[:key=value,...]; kinds: latency, 429, 5xx,
                             malformed, truncated, reset, slow, token-expiry.
                             Keys: p=PROBABILITY, every=N, after=N, until=N (which
                             requests), latency ms= | dist=uniform,min=,max= |
                             dist=exponential,mean= | dist=normal,mean=,sd=;
                             5xx code=; slow bps=. Examples: --fault latency:ms=250
                             --fault 5xx:p=0.02,code=502 --fault token-expiry:after=500
                             Default: no faults.
  --fault-seed S             seed of the fault draws (default 1)

Webhooks (signed as GHL signs them; see README "Sandbox webhooks"):
  --webhook-url URL          POST an event for every change made through the API
                             to URL (http[s]://host:port/path; default: off)
  --webhook-key-dir DIR      the sandbox's test keys, created when missing
                             (ed25519.pem, rsa.pem and *.pub.pem; point the
                             gateway's --webhook-key-dir here; default
                             $TMPDIR/ghl-sandbox-webhook-keys, /tmp without TMPDIR)
  --webhook-signature S      ed25519 (X-GHL-Signature), rsa (x-wh-signature) or
                             both (default, as GHL during its transition)
  --webhook-max-attempts N   attempts per event; only a 429 answer is retried
                             (default 6)
  --webhook-backoff-ms N     wait before the first retry, doubling per retry
                             (default 1000; a Retry-After header wins)
  --webhook-max-backoff-ms N longest wait between attempts (default 30000)

  --help                     this text

Admin endpoints (no auth): GET /_sandbox/health, GET /_sandbox/stats,
GET /_sandbox/requests (the newest 1000 API requests: method, path, X-Request-Id),
POST /_sandbox/storm429?count=N, GET|PUT|DELETE /_sandbox/faults
(PUT body: {"seed": S, "faults": ["5xx:p=0.05", {"kind": "latency", "ms": 250}]}),
GET /_sandbox/oauth/stats, POST /_sandbox/oauth/expire (ends every OAuth access token now),
GET /_sandbox/webhooks (delivery counters), POST /_sandbox/webhooks
(body: {"url": "http://127.0.0.1:9000/webhooks", "enabled": true}; "url": "" turns them off)
)";

int UsageError(const std::string& message) {
  std::cerr << "ghl-sandbox: " << message << "\n(see ghl-sandbox --help)\n";
  return 2;
}

template <typename T>
bool ParseInt(absl::string_view text, T* out) {
  return absl::SimpleAtoi(text, out);
}

bool WritePortFile(const std::string& path, int port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << port << "\n";
    if (!out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  ghl::sandbox::SandboxOptions options;
  std::string tokens_file;
  std::string port_file;
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_inline_value = false;
    if (const size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline_value = true;
    }
    if (name == "--help" || name == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (name == "--typed-custom-values") {
      options.typed_custom_values = true;
      continue;
    }
    if (name == "--allow-duplicate-contacts") {
      options.allow_duplicate_contact = true;
      continue;
    }
    static constexpr absl::string_view kValueOptions[] = {"--port",
                                                          "--host",
                                                          "--data",
                                                          "--contacts",
                                                          "--seed",
                                                          "--location-id",
                                                          "--tokens",
                                                          "--rate-limit-max",
                                                          "--rate-limit-interval-ms",
                                                          "--rate-limit-daily",
                                                          "--storm-429",
                                                          "--port-file",
                                                          "--threads",
                                                          "--duplicate-order",
                                                          "--oauth-client-id",
                                                          "--oauth-client-secret-file",
                                                          "--oauth-app-id",
                                                          "--oauth-company-id",
                                                          "--oauth-locations",
                                                          "--access-token-lifetime",
                                                          "--fault",
                                                          "--fault-seed",
                                                          "--webhook-url",
                                                          "--webhook-key-dir",
                                                          "--webhook-signature",
                                                          "--webhook-max-attempts",
                                                          "--webhook-backoff-ms",
                                                          "--webhook-max-backoff-ms"};
    if (std::find(std::begin(kValueOptions), std::end(kValueOptions), name) == std::end(kValueOptions)) {
      return UsageError(absl::StrCat("unknown option ", name));
    }
    if (!has_inline_value) {
      if (i + 1 >= args.size()) return UsageError(absl::StrCat(name, " needs a value"));
      value = args[++i];
    }
    bool ok = true;
    if (name == "--port") {
      ok = ParseInt(value, &options.port) && options.port >= 0 && options.port <= 65535;
    } else if (name == "--host") {
      options.host = value;
    } else if (name == "--data") {
      options.data_dir = value;
    } else if (name == "--contacts") {
      ok = ParseInt(value, &options.generate_contacts) && options.generate_contacts >= 0;
    } else if (name == "--seed") {
      ok = ParseInt(value, &options.seed);
    } else if (name == "--location-id") {
      options.generate_location_id = value;
      ok = !value.empty();
    } else if (name == "--tokens") {
      tokens_file = value;
    } else if (name == "--rate-limit-max") {
      ok = ParseInt(value, &options.rate_limit_max) && options.rate_limit_max > 0;
    } else if (name == "--rate-limit-interval-ms") {
      ok = ParseInt(value, &options.rate_limit_interval_ms) && options.rate_limit_interval_ms > 0;
    } else if (name == "--rate-limit-daily") {
      ok = ParseInt(value, &options.rate_limit_daily) && options.rate_limit_daily > 0;
    } else if (name == "--storm-429") {
      ok = ParseInt(value, &options.storm_429) && options.storm_429 >= 0;
    } else if (name == "--port-file") {
      port_file = value;
    } else if (name == "--duplicate-order") {
      if (value == "email,phone") {
        options.duplicate_match_order = {"email", "phone"};
      } else if (value == "phone,email") {
        options.duplicate_match_order = {"phone", "email"};
      } else {
        ok = false;
      }
    } else if (name == "--oauth-client-id") {
      options.oauth.client_id = value;
      ok = !value.empty();
    } else if (name == "--oauth-client-secret-file") {
      std::ifstream in(value);
      std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
      if (!in && secret.empty()) {
        return UsageError(absl::StrCat("cannot read --oauth-client-secret-file ", value));
      }
      options.oauth.client_secret = secret;
      if (secret.empty()) return UsageError(absl::StrCat("--oauth-client-secret-file ", value, " is empty"));
    } else if (name == "--oauth-app-id") {
      options.oauth.app_id = value;
      ok = !value.empty();
    } else if (name == "--oauth-company-id") {
      options.oauth.company_id = value;
      ok = !value.empty();
    } else if (name == "--oauth-locations") {
      options.oauth.installed_locations = absl::StrSplit(value, ',', absl::SkipEmpty());
      ok = !options.oauth.installed_locations.empty();
    } else if (name == "--access-token-lifetime") {
      ok = ParseInt(value, &options.oauth.access_token_lifetime_s) &&
           options.oauth.access_token_lifetime_s > 0;
    } else if (name == "--fault") {
      auto rule = ghl::sandbox::ParseFaultRule(value);
      if (!rule.ok()) return UsageError(std::string(rule.status().message()));
      options.faults.rules.push_back(*std::move(rule));
    } else if (name == "--fault-seed") {
      ok = ParseInt(value, &options.faults.seed);
    } else if (name == "--webhook-url") {
      if (!value.empty()) {
        auto url = ghl::sandbox::ParseWebhookUrl(value);
        if (!url.ok()) return UsageError(absl::StrCat("--webhook-url: ", url.status().message()));
      }
      options.webhooks.url = value;
    } else if (name == "--webhook-key-dir") {
      options.webhooks.key_dir = value;
      ok = !value.empty();
    } else if (name == "--webhook-signature") {
      auto signature = ghl::sandbox::ParseWebhookSignature(value);
      ok = signature.ok();
      if (ok) options.webhooks.signature = *signature;
    } else if (name == "--webhook-max-attempts") {
      ok = ParseInt(value, &options.webhooks.max_attempts) && options.webhooks.max_attempts > 0;
    } else if (name == "--webhook-backoff-ms" || name == "--webhook-max-backoff-ms") {
      int64_t ms = 0;
      ok = ParseInt(value, &ms) && ms >= 0;
      (name == "--webhook-backoff-ms" ? options.webhooks.initial_backoff
                                      : options.webhooks.max_backoff) = absl::Milliseconds(ms);
    } else if (name == "--threads") {
      ok = ParseInt(value, &options.worker_threads) && options.worker_threads > 0;
    } else {
      return UsageError(absl::StrCat("unknown option ", name));
    }
    if (!ok) return UsageError(absl::StrCat("invalid value for ", name, ": ", value));
  }
  if (tokens_file.empty()) return UsageError("--tokens FILE is required");
  if (options.oauth.client_secret.empty()) {
    if (const char* secret = std::getenv("GHL_SANDBOX_CLIENT_SECRET")) options.oauth.client_secret = secret;
  }
  if (!options.oauth.client_id.empty() && options.oauth.client_secret.empty()) {
    return UsageError(
        "--oauth-client-id needs a client secret (--oauth-client-secret-file or GHL_SANDBOX_CLIENT_SECRET)");
  }
  if (!options.data_dir.empty() && options.generate_contacts > 0) {
    return UsageError("--data and --contacts are mutually exclusive");
  }

  auto tokens = ghl::sandbox::LoadTokensFile(tokens_file);
  if (!tokens.ok()) {
    std::cerr << "ghl-sandbox: " << tokens.status().message() << "\n";
    return 1;
  }
  options.tokens = *std::move(tokens);
  const size_t token_count = options.tokens.size();

  // Block the stop signals before any thread starts so every thread
  // inherits the mask and only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const auto started = std::chrono::steady_clock::now();
  ghl::sandbox::Sandbox sandbox(options);
  const absl::Status status = sandbox.Start();
  if (!status.ok()) {
    std::cerr << "ghl-sandbox: " << status.message() << "\n";
    return 1;
  }
  const auto elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
  const auto& summary = sandbox.service()->DataSummary();
  std::cerr << "ghl-sandbox: " << summary.contacts << " contacts";
  if (!summary.location_id.empty()) std::cerr << " in location " << summary.location_id;
  if (options.generate_contacts > 0) {
    std::cerr << " (tasks, notes, appointments generated per contact on demand)";
  } else {
    std::cerr << " (" << summary.tasks << " tasks, " << summary.notes << " notes, "
              << summary.appointments << " appointments)";
  }
  std::cerr << ", " << token_count << " tokens, ready in " << elapsed_ms << " ms\n";
  // The URL without its query (which could carry a secret).
  const std::string& webhook_url = options.webhooks.url;
  std::cerr << "ghl-sandbox: webhooks "
            << (webhook_url.empty() ? std::string("off (POST /_sandbox/webhooks sets a URL)")
                                    : absl::StrCat("to ", webhook_url.substr(0, webhook_url.find('?')),
                                                   " (", ghl::sandbox::WebhookSignatureName(
                                                             options.webhooks.signature),
                                                   ")"))
            << "; webhook keys in " << sandbox.service()->webhooks().key_dir() << "\n";

  if (!port_file.empty() && !WritePortFile(port_file, sandbox.port())) {
    std::cerr << "ghl-sandbox: cannot write port file " << port_file << "\n";
    sandbox.Stop();
    return 1;
  }
  std::cout << "ghl-sandbox listening on http://" << options.host << ":" << sandbox.port()
            << std::endl;

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::cerr << "ghl-sandbox: stopping (signal " << signal_number << ")\n";
  sandbox.Stop();
  return 0;
}
