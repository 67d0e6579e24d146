// Configuration of ghl-sandbox: the tokens it accepts, where its data comes
// from, its rate limits, and the counters it reports.
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
