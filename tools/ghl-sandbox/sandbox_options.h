// Configuration of ghl-sandbox: the tokens it accepts, where its data comes
// from, its rate limits, the webhooks it sends, and the counters it reports.
//
// Token values are secrets even in a sandbox: nothing here prints them, and
// errors name an entry by position ("token #2 in FILE"), never by value.
//
// Thread-safety: plain value types; LoadTokensFile is reentrant.
#ifndef GHL_TOOLS_GHL_SANDBOX_SANDBOX_OPTIONS_H_
#define GHL_TOOLS_GHL_SANDBOX_SANDBOX_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/ghl-sandbox/sandbox_oauth_options.h"
#include "tools/ghl-sandbox/fault_injector.h"

namespace ghl::sandbox {

/// One accepted bearer token: the location it belongs to and its scopes
/// (e.g. "contacts.readonly", "contacts.write"; each is independent).
struct TokenGrant {
  std::string token;
  std::string location_id;
  std::vector<std::string> scopes;
};

/// Which signature headers a webhook carries: `X-GHL-Signature` (Ed25519),
/// `x-wh-signature` (RSA-SHA256, GHL's legacy scheme), or both (what GHL
/// sends during its transition).
enum class WebhookSignature { kEd25519, kRsa, kBoth };

/// Parses "ed25519", "rsa" or "both".
/// @return INVALID_ARGUMENT naming the value otherwise.
absl::StatusOr<WebhookSignature> ParseWebhookSignature(absl::string_view text);
/// The name ParseWebhookSignature accepts.
const char* WebhookSignatureName(WebhookSignature signature);

/// The webhooks the sandbox sends for every change made through its API
/// (webhook_sender.h).
struct WebhookOptions {
  /// Where events are POSTed (`http[s]://host:port/path`); empty: webhooks off
  /// (events are not queued) until POST /_sandbox/webhooks sets one.
  std::string url;
  /// The sandbox's own test keys (LoadOrCreateKeyDir: ed25519.pem, rsa.pem
  /// and their .pub.pem). Empty: DefaultWebhookKeyDir().
  std::string key_dir;
  WebhookSignature signature = WebhookSignature::kBoth;
  /// Attempts per event, the first included; only a 429 answer leads to
  /// another one (as GHL retries).
  int max_attempts = 6;
  /// The wait before the second attempt; it doubles per 429 up to
  /// max_backoff. A Retry-After (seconds) of the 429 answer wins (capped at
  /// max_backoff).
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Seconds(30);
  /// Events waiting for delivery, over all locations; a change while it is
  /// full is not sent (counted as failed_final "queue_full").
  size_t queue_capacity = 10000;
  /// Delivery threads; a location's events always go through the same one,
  /// in the order they happened.
  int delivery_threads = 2;
  /// Connect and read timeout of one attempt (at most 2 s during shutdown).
  absl::Duration attempt_timeout = absl::Seconds(10);
  /// After Stop, how long pending events still get their last attempt.
  absl::Duration shutdown_grace = absl::Seconds(5);
};

/// `$TMPDIR/ghl-sandbox-webhook-keys` (`/tmp/...` without TMPDIR): one fixed
/// place, so restarts of the sandbox keep their keys and a gateway on the
/// same machine can be pointed at them without further configuration.
std::string DefaultWebhookKeyDir();

/// Everything a Sandbox needs. Defaults match GHL's documented limits.
struct SandboxOptions {
  std::string host = "127.0.0.1";
  int port = 0;  ///< 0 picks a free port; see Sandbox::port().

  /// A dataset directory (location.json, contacts.jsonl, and optionally
  /// tasks.jsonl, notes.jsonl, appointments.jsonl). Exclusive with
  /// generate_contacts.
  std::string data_dir;
  /// When > 0, generate this many contacts deterministically from `seed`
  /// into `generate_location_id`.
  int generate_contacts = 0;
  uint64_t seed = 1;
  std::string generate_location_id = "ve9EPM428h8vShlRW1KT";
  /// Generated custom field values are strings (the spec's CustomFieldSchema)
  /// unless this is set; then numbers and arrays, as real GHL sends.
  bool typed_custom_values = false;

  std::vector<TokenGrant> tokens;
  /// The OAuth app and token policy (sandbox_oauth.h); tokens it issues are
  /// accepted next to `tokens`.
  SandboxOAuthOptions oauth;

  /// The locations' "Allow Duplicate Contact" setting. Off (GHL's default):
  /// create / update refuse a second contact with the same email or phone
  /// (400 with meta.matchingField), and upsert always matches. On: they
  /// accept duplicates, and upsert with createNewIfDuplicateAllowed creates.
  bool allow_duplicate_contact = false;
  /// The order in which email and phone identify an existing contact (the
  /// setting's priority sequence): duplicate checks, get-duplicate-contact
  /// and upsert use the first that matches. Values "email" and "phone".
  std::vector<std::string> duplicate_match_order = {"email", "phone"};

  int rate_limit_max = 100;
  int rate_limit_interval_ms = 10000;
  int rate_limit_daily = 200000;
  /// Answer the next N API requests with 429 regardless of limits.
  int storm_429 = 0;
  /// Injected faults (latency, 429 bursts, 5xx, malformed / truncated
  /// bodies, resets, slow bodies, token expiry); see fault_injector.h.
  FaultPlan faults;

  /// The signed webhooks sent for changes (off while `webhooks.url` is empty).
  WebhookOptions webhooks;

  /// HTTP worker threads (each keep-alive connection holds one).
  int worker_threads = 32;
  /// The time source for rate limits and dateAdded/dateUpdated; null means
  /// absl::Now.
  std::function<absl::Time()> clock;
};

/// Counters since start. API requests only (not /_sandbox/ ones).
struct SandboxStats {
  uint64_t requests = 0;
  std::map<int, uint64_t> by_status;  ///< HTTP status -> responses
  uint64_t rate_limited_429 = 0;      ///< 429s from the burst/daily limits
  uint64_t storm_429 = 0;             ///< 429s from an injected storm
  int storm_remaining = 0;            ///< storm 429s still to be served
  std::map<std::string, uint64_t> faults;  ///< injected faults per kind (fault_injector.h)
};

/// Reads a tokens file: a JSON array of
/// `{"token": "...", "locationId": "...", "scopes": ["contacts.readonly", ...]}`.
/// `scopes` may be omitted (no scopes). Other members are ignored.
/// @return INVALID_ARGUMENT / NOT_FOUND naming the file and the entry number
///         (1-based), never a token value.
absl::StatusOr<std::vector<TokenGrant>> LoadTokensFile(const std::string& path);

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_SANDBOX_OPTIONS_H_
