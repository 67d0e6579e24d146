// SandboxService: the GHL Contacts API v2 fake as a plain function from an
// HTTP request to an HTTP response, detached from any socket library (the
// Sandbox class wires it to cpp-httplib). It owns the data (ContactStore),
// the accepted tokens, the per-location rate limiter, the 429 storm and the
// counters.
//
// Per API request, in this order: route (unknown path -> 404 "Cannot GET
// /x"), storm (429), token (401), rate limits (429), `Version` header (400),
// scope (401), location (403), validation (422 / 400), then the operation.
// Every API response carries GHL's X-RateLimit-* headers (once the token is
// known) and an X-Request-Id equal to the error body's `traceId`.
//
// Thread-safety: Handle, InjectStorm429, Stats and the accessors are safe to
// call concurrently. Reads of the store share a reader lock; writes take it
// exclusively. Nothing throws.
#ifndef GHL_TOOLS_GHL_SANDBOX_SANDBOX_SERVICE_H_
#define GHL_TOOLS_GHL_SANDBOX_SANDBOX_SERVICE_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tools/ghl-sandbox/contact_store.h"
#include "tools/ghl-sandbox/rate_limiter.h"
#include "tools/ghl-sandbox/sandbox_options.h"
#include "tools/ghl-sandbox/text_util.h"

namespace ghl::sandbox {

/// A request as the service sees it (already read off the wire).
struct HttpRequest {
  std::string method;  ///< "GET", "POST", ...
  std::string path;    ///< percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  ///< decoded, in order
  absl::flat_hash_map<std::string, std::string> headers;   ///< names lowercased
  std::string body;

  /// The first value of a header (name in lowercase), or nullptr.
  const std::string* Header(absl::string_view lower_name) const;
  /// The first value of a query parameter, or nullptr.
  const std::string* Query(absl::string_view name) const;
};

/// A response to write back.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// What a loaded or generated dataset holds, for start-up messages.
struct SandboxDataSummary {
  std::string location_id;  ///< empty when no data was loaded
  size_t contacts = 0;
  size_t tasks = 0;
  size_t notes = 0;
  size_t appointments = 0;
};

/// The API fake. See the file comment.
class SandboxService {
 public:
  /// Loads `options.data_dir` or generates `options.generate_contacts`.
  /// @return INVALID_ARGUMENT for contradictory options or bad data;
  ///         NOT_FOUND when the data directory lacks its files.
  static absl::StatusOr<std::unique_ptr<SandboxService>> Create(SandboxOptions options);

  /// Answers one request. Never fails: errors are HTTP responses.
  HttpResponse Handle(const HttpRequest& request);

  /// Makes the next `count` API requests answer 429 (adds to any storm).
  void InjectStorm429(int count);
  /// Counters since creation.
  SandboxStats Stats() const;
  /// What was loaded at creation.
  const SandboxDataSummary& DataSummary() const { return summary_; }
  /// Contacts currently stored, over all locations.
  size_t ContactCount() const;
  /// The stored tasks, notes or appointments of a contact (JSON texts).
  std::vector<std::string> RelatedRecords(RelatedKind kind, absl::string_view contact_id) const;

 private:
  enum class Route { kNone, kList, kCreate, kGet, kUpdate, kDelete };
  struct Context;

  explicit SandboxService(SandboxOptions options);

  absl::Time Now() const;
  HttpResponse HandleAdmin(const HttpRequest& request);
  HttpResponse HandleApi(Route route, absl::string_view contact_id, const HttpRequest& request,
                         Context& ctx);
  HttpResponse ListContacts(const HttpRequest& request, Context& ctx);
  HttpResponse GetContact(absl::string_view contact_id, Context& ctx);
  HttpResponse CreateContact(const HttpRequest& request, Context& ctx);
  HttpResponse UpdateContact(absl::string_view contact_id, const HttpRequest& request, Context& ctx);
  HttpResponse DeleteContact(absl::string_view contact_id, Context& ctx);
  bool TakeStormSlot();
  void Count(int status, bool rate_limited, bool storm);

  const SandboxOptions options_;
  absl::flat_hash_map<std::string, TokenGrant> tokens_;
  SandboxDataSummary summary_;
  RateLimiter limiter_;
  std::atomic<int> storm_remaining_{0};

  // std:: mutexes rather than absl::Mutex: Debian's abseil is not built for
  // ThreadSanitizer, which then reports false races on absl-locked data.
  mutable std::shared_mutex store_mu_;
  ContactStore store_;  // guarded by store_mu_
  SplitMix64 id_rng_;   // guarded by store_mu_

  mutable std::mutex stats_mu_;
  SandboxStats stats_;  // guarded by stats_mu_
};

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_SANDBOX_SERVICE_H_
