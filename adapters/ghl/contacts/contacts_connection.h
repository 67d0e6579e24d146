// ContactsConnection: the retry loop and pagination over a ContactsStub.
//
// Reads (get, list pages) retry transient failures (UNAVAILABLE: 408, 429,
// 5xx, transport) with jittered exponential backoff under a RetryPolicy.
// Writes (create, update, delete) are not idempotent: they retry only when
// the request surely never left the process, so a write is never applied
// twice.
//
// ContactsPager walks `GET /contacts/` with `startAfterId` + `startAfter`
// from each page's meta, one page per NextPage(). A cursor seen before is an
// error (INTERNAL), never a loop.
//
// Thread-safety: ContactsConnection is safe for concurrent use. A
// ContactsPager belongs to one stream and must not be used concurrently.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_CONTACTS_CONNECTION_H_
#define GHL_ADAPTERS_GHL_CONTACTS_CONTACTS_CONNECTION_H_

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "adapters/ghl/core/clock.h"
#include "adapters/ghl/core/retry.h"

namespace ghl::contacts {

/// Settings of ContactsConnection.
struct ConnectionOptions {
  RetryPolicy retry;
  absl::Duration initial_backoff = absl::Milliseconds(250);
  absl::Duration max_backoff = absl::Seconds(10);
  double backoff_multiplier = 2.0;
  /// Timeout of one upstream HTTP exchange.
  absl::Duration call_timeout = absl::Seconds(30);
  /// Not owned; must outlive the connection. Defaults to the real clock.
  Clock* clock = nullptr;
  /// Uniform [0,1) source for jitter. Defaults to a seeded PRNG.
  std::function<double()> jitter;
  /// Search pages fetched ahead of the one asked for while paging by page
  /// number (pages are independent there): page latency then does not cap
  /// a search below the rate limit. 0 = one page at a time.
  int search_lookahead = 0;
};

/// Returns true when the caller has gone away; checked between attempts.
using CancelFn = std::function<bool()>;

/// Where a listing stands: what a resume token carries.
struct ListPosition {
  /// Cursor of the next page; absent before the first page.
  std::optional<ListCursor> cursor;
  int pages_delivered = 0;
  int64_t contacts_delivered = 0;
  bool done = false;
};

/// Walks the pages of one listing.
class ContactsPager {
 public:
  /// The next page, or an error (the pager stays where it was, so the same
  /// page can be asked for again). Must not be called once done().
  /// `cancelled` and `deadline` (the caller's) bound the page's retries and
  /// any wait for the location's rate limit.
  absl::StatusOr<ListContactsPage> NextPage(const CancelFn& cancelled = nullptr,
                                            absl::Time deadline = absl::InfiniteFuture());
  /// True after the last page was returned.
  bool done() const { return position_.done; }
  /// The position after the last page returned.
  const ListPosition& position() const { return position_; }

 private:
  friend class ContactsConnection;
  ContactsPager(std::shared_ptr<ContactsStub> stub, const ConnectionOptions& options,
                ListContactsPageRequest request, ListPosition start);

  std::shared_ptr<ContactsStub> stub_;
  const ConnectionOptions options_;
  ListContactsPageRequest request_;
  ListPosition position_;
  std::set<std::pair<int64_t, std::string>> seen_cursors_;
  std::set<std::string> previous_page_ids_;
};

class SearchPager;              // search_pager.h
struct SearchPosition;          // search_pager.h
class BusinessContactsPager;    // search_pager.h
struct BusinessPosition;        // search_pager.h

/// Retry + pagination over a stub.
class ContactsConnection {
 public:
  ContactsConnection(std::shared_ptr<ContactsStub> stub, ConnectionOptions options);

  // `cancelled` and `deadline` are the caller's: no retry, backoff or
  // rate-limit wait runs past them. Create, update and delete are not
  // idempotent: they are re-sent only when GHL surely did not act (never
  // sent, or refused by its rate limiter with 429), and a failure after
  // which GHL may have acted says so in its message.
  absl::StatusOr<ghl::contacts::v1::Contact> GetContact(const std::string& location_id,
                                                        const std::string& contact_id,
                                                        const CancelFn& cancelled = nullptr,
                                                        absl::Time deadline = absl::InfiniteFuture());
  absl::StatusOr<ghl::contacts::v1::Contact> CreateContact(const std::string& location_id,
                                                           const ghl::contacts::v1::Contact& contact,
                                                           const CancelFn& cancelled = nullptr,
                                                           absl::Time deadline = absl::InfiniteFuture());
  absl::StatusOr<ghl::contacts::v1::Contact> UpdateContact(const std::string& location_id,
                                                           const ghl::contacts::v1::Contact& contact,
                                                           const google::protobuf::FieldMask& mask,
                                                           const CancelFn& cancelled = nullptr,
                                                           absl::Time deadline = absl::InfiniteFuture());
  absl::Status DeleteContact(const std::string& location_id, const std::string& contact_id,
                             const CancelFn& cancelled = nullptr,
                             absl::Time deadline = absl::InfiniteFuture());

  /// A pager over `GET /contacts/` for `request` (its `cursor` is ignored),
  /// starting at `start` (a decoded resume token, or the beginning).
  std::unique_ptr<ContactsPager> ListContacts(ListContactsPageRequest request,
                                              ListPosition start = {});

  // ---- Search, upsert, duplicates, business, followers, campaigns,
  // ---- workflows (issue 3). Reads and upsert retry; the other writes retry
  // ---- only when GHL surely did not act (never sent, or refused with 429
  // ---- before processing), and a failure after which GHL may have acted
  // ---- says so in its message.

  /// A pager over POST /contacts/search (see search_pager.h).
  std::unique_ptr<SearchPager> SearchContacts(ghl::contacts::v1::SearchContactsRequest query,
                                              int page_limit, const SearchPosition& start);
  /// A pager over GET /contacts/business/{businessId}.
  std::unique_ptr<BusinessContactsPager> ListBusinessContacts(BusinessContactsPageRequest request,
                                                              const BusinessPosition& start);
  /// Idempotent (retried) unless create_new_if_duplicate_allowed is set.
  absl::StatusOr<ghl::contacts::v1::UpsertContactResponse> UpsertContact(
      const ghl::contacts::v1::UpsertContactRequest& request, const CancelFn& cancelled = nullptr);
  absl::StatusOr<ghl::contacts::v1::FindDuplicateContactResponse> FindDuplicateContact(
      const ghl::contacts::v1::FindDuplicateContactRequest& request, const CancelFn& cancelled = nullptr);
  absl::StatusOr<ghl::contacts::v1::AddFollowersResponse> AddFollowers(
      const ghl::contacts::v1::AddFollowersRequest& request);
  absl::StatusOr<ghl::contacts::v1::RemoveFollowersResponse> RemoveFollowers(
      const ghl::contacts::v1::RemoveFollowersRequest& request);
  absl::Status AddToCampaign(const ghl::contacts::v1::AddToCampaignRequest& request);
  absl::Status RemoveFromCampaign(const ghl::contacts::v1::RemoveFromCampaignRequest& request);
  absl::Status RemoveFromAllCampaigns(const ghl::contacts::v1::RemoveFromAllCampaignsRequest& request);
  absl::Status AddToWorkflow(const ghl::contacts::v1::AddToWorkflowRequest& request);
  absl::Status RemoveFromWorkflow(const ghl::contacts::v1::RemoveFromWorkflowRequest& request);
  absl::StatusOr<ghl::contacts::v1::BulkUpdateBusinessResponse> BulkUpdateBusiness(
      const ghl::contacts::v1::BulkUpdateBusinessRequest& request);
  // ---- end of the issue 3 section.

 private:
  template <typename T>
  absl::StatusOr<T> Retry(Idempotency idempotency, const std::function<absl::StatusOr<T>()>& attempt,
                          const CancelFn& cancelled);
  // A non-idempotent write (issue 3 section): see contacts_connection_more.cc.
  // `multi_target` marks writes over a list (followers, bulk business) that
  // GHL may have applied in part when it answers 422.
  template <typename T>
  absl::StatusOr<T> Write(const char* operation, bool multi_target,
                          const std::function<absl::StatusOr<T>()>& attempt,
                          const CancelFn& cancelled = nullptr,
                          absl::Time deadline = absl::InfiniteFuture());

  std::shared_ptr<ContactsStub> stub_;
  ConnectionOptions options_;
};

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_CONTACTS_CONNECTION_H_
