// SandboxService: the GHL Contacts API v2 fake as a plain function from an
// HTTP request to an HTTP response, detached from any socket library (the
// Sandbox class wires it to cpp-httplib). It owns the data (ContactStore),
// the accepted tokens, the per-location rate limiter, the 429 storm and the
// counters.
//
// Per API request, in this order: route (unknown path -> 404 "Cannot GET
// /x"), storm (429), injected 429 / 5xx / token-expiry faults, token (401),
// rate limits (429), `Version` header (400), scope (401), location (403),
// validation (422 / 400), then the operation; then the injected body faults
// (malformed, truncated, reset, slow) and latency (fault_injector.h).
// Every API response carries GHL's X-RateLimit-* headers (once the token is
// known) and an X-Request-Id equal to the error body's `traceId`.
//
// Every change made through the API queues a signed webhook (webhook_events.h
// for which, webhook_sender.h for delivery): contact create / update /
// delete / tag / DND changes, task create / complete / delete, note create /
// update / delete; bulk operations one per contact changed. Campaign and
// workflow membership changes have no GHL event and send none.
//
// Routing is a RouteTable with one entry per operation of apps/contacts.json
// (method, the spec's path template, operationId, required scope, handler);
// Operations() lists it. The two operations whose spec has no `security`
// (create-association = bulk tag update, add-remove-contact-from-business)
// still need a valid bearer token, and the write scope: both change contacts,
// and GHL's scope list puts bulk contact changes under contacts.write.
//
// A contact of another location is 403 (as for get-contact); an unknown one
// 404 "Contact not found"; an unknown task or note of a known contact 404
// "Task not found" / "Note not found". Handlers are spread over
// sandbox_service.cc (core, contacts CRUD), sandbox_related_ops.cc (tasks,
// notes, appointments), sandbox_contact_ops.cc (tags, followers, campaigns,
// workflows, bulk) and sandbox_search_ops.cc (search, duplicate, upsert,
// contacts by business).
//
// Thread-safety: Handle, InjectStorm429, Stats and the accessors are safe to
// call concurrently. Reads of the store share a reader lock; writes take it
// exclusively. Nothing throws.
#ifndef GHL_TOOLS_GHL_SANDBOX_SANDBOX_SERVICE_H_
#define GHL_TOOLS_GHL_SANDBOX_SANDBOX_SERVICE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "rapidjson/document.h"
#include "absl/types/span.h"
#include "tools/ghl-sandbox/contact_search.h"
#include "tools/ghl-sandbox/contact_store.h"
#include "tools/ghl-sandbox/fault_injector.h"
#include "tools/ghl-sandbox/rate_limiter.h"
#include "tools/ghl-sandbox/route_table.h"
#include "tools/ghl-sandbox/sandbox_options.h"
#include "tools/ghl-sandbox/text_util.h"
#include "tools/ghl-sandbox/webhook_events.h"
#include "tools/ghl-sandbox/webhook_sender.h"

namespace ghl::sandbox {

class SandboxOAuth;
namespace internal {
struct PropRule;  // api_util.h
}  // namespace internal

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

  /// How the socket layer delivers it (fault injection): in full; half the
  /// body and then the connection closes (kTruncate); the headers and then
  /// the connection closes (kReset); the body at `bytes_per_second` (kSlow).
  enum class Delivery { kNormal, kTruncate, kReset, kSlow };
  Delivery delivery = Delivery::kNormal;
  int64_t bytes_per_second = 0;
  /// Added latency: the socket layer waits this long before answering.
  absl::Duration delay;
};

/// What a loaded or generated dataset holds, for start-up messages.
struct SandboxDataSummary {
  std::string location_id;  ///< empty when no data was loaded
  size_t contacts = 0;
  size_t tasks = 0;
  size_t notes = 0;
  size_t appointments = 0;
};

/// One operation the sandbox serves (a route table entry without its handler).
struct SandboxOperation {
  std::string method;
  std::string path_template;  ///< as the spec writes it
  std::string operation_id;
  std::string scope;  ///< the scope a token needs for it
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
  /// Replaces the fault plan (restarting its request numbering).
  void SetFaultPlan(FaultPlan plan) { faults_.SetPlan(std::move(plan)); }
  /// The fault plan in force.
  FaultPlan GetFaultPlan() const { return faults_.Plan(); }
  /// Counters since creation.
  SandboxStats Stats() const;
  /// One API request as received: what a test checks the gateway sent.
  struct ReceivedRequest {
    std::string method;
    std::string path;
    std::string request_id;  ///< its X-Request-Id header ("" if none)
  };
  /// The newest kMaxRecordedRequests API requests, oldest first (also
  /// GET /_sandbox/requests).
  std::vector<ReceivedRequest> RecentRequests() const;
  static constexpr size_t kMaxRecordedRequests = 1000;
  /// What was loaded at creation.
  const SandboxDataSummary& DataSummary() const { return summary_; }
  /// Contacts currently stored, over all locations.
  size_t ContactCount() const;
  /// The stored tasks, notes or appointments of a contact (JSON texts).
  std::vector<std::string> RelatedRecords(RelatedKind kind, absl::string_view contact_id) const;
  /// The campaign or workflow ids a contact was added to (and not removed
  /// from), in the order added.
  std::vector<std::string> Memberships(MembershipKind kind, absl::string_view contact_id) const;
  /// The stored JSON text of a contact, or "" when unknown.
  std::string ContactJson(absl::string_view contact_id) const;
  /// Every operation of the route table, in registration order.
  std::vector<SandboxOperation> Operations() const;
  /// The OAuth endpoints (sandbox_oauth.h).
  SandboxOAuth& oauth() { return *oauth_; }
  /// The webhooks sent for changes (webhook_sender.h).
  WebhookSender& webhooks() { return *webhooks_; }
  ~SandboxService();

 private:
  /// Per-request state handed to handlers.
  struct Context {
    std::string trace_id;
    const TokenGrant* grant = nullptr;
    std::optional<TokenGrant> oauth_grant;  ///< storage of an OAuth-issued grant
    PathParams params;  ///< views into the request path
  };
  using Handler = HttpResponse (SandboxService::*)(const HttpRequest&, Context&);

  explicit SandboxService(SandboxOptions options);

  void RegisterRoutes();
  absl::Time Now() const;
  HttpResponse HandleAdmin(const HttpRequest& request);
  HttpResponse HandleApi(const RouteEntry<Handler>& route, const HttpRequest& request,
                         Context& ctx);
  HttpResponse ListContacts(const HttpRequest& request, Context& ctx);
  HttpResponse GetContact(const HttpRequest& request, Context& ctx);
  HttpResponse CreateContact(const HttpRequest& request, Context& ctx);
  HttpResponse UpdateContact(const HttpRequest& request, Context& ctx);
  HttpResponse DeleteContact(const HttpRequest& request, Context& ctx);
  // sandbox_search_ops.cc
  HttpResponse SearchContacts(const HttpRequest& request, Context& ctx);
  HttpResponse GetDuplicateContact(const HttpRequest& request, Context& ctx);
  HttpResponse UpsertContact(const HttpRequest& request, Context& ctx);
  HttpResponse ListContactsByBusiness(const HttpRequest& request, Context& ctx);
  // sandbox_related_ops.cc
  HttpResponse ListTasks(const HttpRequest& request, Context& ctx);
  HttpResponse CreateTask(const HttpRequest& request, Context& ctx);
  HttpResponse GetTask(const HttpRequest& request, Context& ctx);
  HttpResponse UpdateTask(const HttpRequest& request, Context& ctx);
  HttpResponse CompleteTask(const HttpRequest& request, Context& ctx);
  HttpResponse DeleteTask(const HttpRequest& request, Context& ctx);
  HttpResponse ListNotes(const HttpRequest& request, Context& ctx);
  HttpResponse CreateNote(const HttpRequest& request, Context& ctx);
  HttpResponse GetNote(const HttpRequest& request, Context& ctx);
  HttpResponse UpdateNote(const HttpRequest& request, Context& ctx);
  HttpResponse DeleteNote(const HttpRequest& request, Context& ctx);
 public:
  // A contact's task or note as addressed by its path: the store kind, the
  // id's path parameter, GHL's 404 message, the answer's member and the
  // webhook event type of its deletion.
  struct RelatedResource {
    RelatedKind kind;
    const char* id_param;
    const char* not_found;
    const char* member;
    const char* delete_event;
  };

 private:
  HttpResponse GetRelated(Context& ctx, const RelatedResource& r);
  HttpResponse PatchRelated(const HttpRequest& request, Context& ctx, const RelatedResource& r,
                            absl::Span<const internal::PropRule> rules);
  HttpResponse DeleteRelated(Context& ctx, const RelatedResource& r);
  HttpResponse ListAppointments(const HttpRequest& request, Context& ctx);
  // sandbox_contact_ops.cc
  HttpResponse AddTags(const HttpRequest& request, Context& ctx);
  HttpResponse RemoveTags(const HttpRequest& request, Context& ctx);
  HttpResponse BulkUpdateTags(const HttpRequest& request, Context& ctx);
  HttpResponse AddFollowers(const HttpRequest& request, Context& ctx);
  HttpResponse RemoveFollowers(const HttpRequest& request, Context& ctx);
  enum class ListChange { kAdd, kRemove };
  // Tags and followers: one contact's string list changed by the body's.
  HttpResponse ChangeContactList(const HttpRequest& request, Context& ctx, ListChange change,
                                 const char* member, const char* changed_member);
  HttpResponse AddToCampaign(const HttpRequest& request, Context& ctx);
  HttpResponse RemoveFromCampaign(const HttpRequest& request, Context& ctx);
  HttpResponse RemoveFromAllCampaigns(const HttpRequest& request, Context& ctx);
  HttpResponse AddToWorkflow(const HttpRequest& request, Context& ctx);
  HttpResponse RemoveFromWorkflow(const HttpRequest& request, Context& ctx);
  HttpResponse BulkUpdateBusiness(const HttpRequest& request, Context& ctx);

  // Helpers for handlers; the caller holds store_mu_ (shared or exclusive).
  // The path's {contactId}, checked: nullptr with *error set (404 / 403).
  const ContactRecord* ContactFor(const Context& ctx, HttpResponse* error) const;
  // Re-serialises a contact after `edit` changed its parsed JSON, stamps
  // dateUpdated and stores it (exclusive lock). @return the new record.
  absl::StatusOr<const ContactRecord*> RewriteContact(
      const ContactRecord& existing, const std::function<void(rapidjson::Document&)>& edit);
  // A fresh 20-character id no contact has (exclusive lock).
  std::string NewId();
  // The current time as GHL's ISO text.
  std::string NowIso() const;
  // The contact of the location whose email / phone matches the body's,
  // in the configured order: {contact, "email" | "phone"}, or {nullptr, ""}.
  std::pair<const ContactRecord*, std::string> FindDuplicate(absl::string_view location_id,
                                                             absl::string_view email,
                                                             absl::string_view phone,
                                                             absl::string_view exclude_id) const;
  // Queues the webhook of a change. Callers hold store_mu_ exclusively, so
  // events are queued in the order the changes happened.
  void EmitEvent(const char* type, absl::string_view location_id, std::string resource_json);
  // The events of a contact rewrite (ContactChangeEvents), with `after`.
  void EmitContactChange(ContactChange change, const std::string& before_json,
                         const ContactRecord& after);
  bool TakeStormSlot();
  void Count(int status, bool rate_limited, bool storm);

  const SandboxOptions options_;
  RouteTable<Handler> routes_;
  absl::flat_hash_map<std::string, TokenGrant> tokens_;
  SandboxDataSummary summary_;
  std::unique_ptr<SandboxOAuth> oauth_;  // set in Create
  std::unique_ptr<WebhookSender> webhooks_;  // set in Create
  RateLimiter limiter_;
  std::atomic<int> storm_remaining_{0};
  FaultInjector faults_;

  // std:: mutexes rather than absl::Mutex: Debian's abseil is not built for
  // ThreadSanitizer, which then reports false races on absl-locked data.
  mutable std::shared_mutex store_mu_;
  ContactStore store_;  // guarded by store_mu_
  SplitMix64 id_rng_;   // guarded by store_mu_
  ContactSearcher searcher_;  // its own lock; used under store_mu_ (shared)

  mutable std::mutex stats_mu_;
  SandboxStats stats_;  // guarded by stats_mu_
  std::deque<ReceivedRequest> received_;  // guarded by stats_mu_
};

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_SANDBOX_SERVICE_H_
