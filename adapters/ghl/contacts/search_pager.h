// Pagers over the two non-cursor listings of apps/contacts.json, one page
// per NextPage(), each page retried on transient failures like any read.
//
// SearchPager walks POST /contacts/search. GHL numbers pages only up to
// 10,000 results (page * pageLimit); past that it wants the `searchAfter`
// of the last contact delivered. The pager uses page numbers while the next
// page stays within the cap and switches to `searchAfter` on its own for the
// page that would pass it, so a search of any size is walked completely.
// Page numbers first (rather than searchAfter from the start) keep the
// common small search on GHL's primary paging mode and need nothing from
// the answer until the cap; a `searchAfter` seen before is an error
// (INTERNAL), never a loop, and so is a full page without one past the cap.
//
// BusinessContactsPager walks GET /contacts/business/{businessId} by offset
// (`skip` += page size). A page that starts with the same contact as the
// previous one means GHL ignored `skip`: an error, never a loop.
//
// Both end on an empty page, a short page, or once GHL's total is
// delivered (for a search, unless the total is exactly 10,000, which may be
// a capped count). Positions are plain values so a
// resume token can carry them.
//
// Lookahead (ConnectionOptions::search_lookahead = W > 0): while paging by
// page number, SearchPager keeps the next W pages in flight on their own
// threads (each with the same retries), since numbered pages do not depend
// on each other; NextPage then mostly collects an answer that is already
// there. It never speculates past the page count GHL's total implies, nor
// past the page-number cap, nor before the first answer; a failed
// speculative page is simply fetched again when asked for.
//
// Thread-safety: a pager belongs to one stream and must not be used
// concurrently (its lookahead threads are internal; the destructor waits
// for them).
#ifndef GHL_ADAPTERS_GHL_CONTACTS_SEARCH_PAGER_H_
#define GHL_ADAPTERS_GHL_CONTACTS_SEARCH_PAGER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/ghl/contacts/contacts_connection.h"
#include "adapters/ghl/contacts/contacts_stub.h"
#include "adapters/ghl/contacts/search_body.h"
#include "adapters/ghl/core/retry.h"

namespace ghl::contacts {
namespace internal {

/// RetryLoop under a connection's options (clock and jitter must be set).
template <typename T>
absl::StatusOr<T> RunRetry(const ConnectionOptions& o, Idempotency idempotency,
                           const std::function<absl::StatusOr<T>()>& attempt,
                           const CancelFn& cancelled,
                           absl::Time deadline = absl::InfiniteFuture()) {
  return RetryLoop<T>(
      o.retry, ExponentialBackoff(o.initial_backoff, o.max_backoff, o.backoff_multiplier, o.jitter),
      idempotency, *o.clock, attempt, cancelled, deadline);
}

}  // namespace internal

/// Where a search stands: what its resume token carries.
struct SearchPosition {
  /// Upstream page number of the next page; 0 once paging by searchAfter.
  int next_page = 1;
  /// JSON array text of the next page's searchAfter (when next_page is 0).
  std::string search_after;
  int pages_delivered = 0;
  int64_t contacts_delivered = 0;
  bool done = false;
};

/// Walks the pages of one search.
class SearchPager {
 public:
  /// @param query the search (its page_size / resume_token / read_mask are
  ///        ignored); validated by the caller (ValidateSearchQuery).
  /// @param page_limit 1..500.
  SearchPager(std::shared_ptr<ContactsStub> stub, ConnectionOptions options,
              ghl::contacts::v1::SearchContactsRequest query, int page_limit, SearchPosition start);

  /// Stops the lookahead (its retries and waits end early) and waits for it.
  ~SearchPager();
  SearchPager(const SearchPager&) = delete;
  SearchPager& operator=(const SearchPager&) = delete;

  /// The next page, or an error (the pager stays where it was, so the same
  /// page can be asked for again). Must not be called once done().
  /// `cancelled` and `deadline` (the caller's) bound retries and waits,
  /// also of the pages fetched ahead.
  absl::StatusOr<SearchPage> NextPage(const CancelFn& cancelled = nullptr,
                                      absl::Time deadline = absl::InfiniteFuture());
  /// True after the last page was returned.
  bool done() const { return position_.done; }
  /// The position after the last page returned.
  const SearchPosition& position() const { return position_; }

 private:
  // Fetches page number `page` (with retries); runs on a lookahead thread.
  absl::StatusOr<SearchPage> FetchNumbered(SearchPageRequest request, int page, CancelFn cancelled,
                                           absl::Time deadline) const;
  // Starts the lookahead fetches after `page` (see the file comment).
  void LaunchAhead(int page, const CancelFn& cancelled, absl::Time deadline);

  std::shared_ptr<ContactsStub> stub_;
  ConnectionOptions options_;
  SearchPageRequest request_;
  SearchPosition position_;
  std::set<std::string> seen_search_after_;
  /// The last page number GHL's total allows (0 until the first answer).
  int last_numbered_page_ = 0;
  // Drops the pages fetched ahead, stopping and waiting for their threads.
  void DropAhead();

  // Set when the pages in flight are no longer wanted.
  std::shared_ptr<std::atomic<bool>> abandon_ = std::make_shared<std::atomic<bool>>(false);
  // Declared last: destroyed (waited for) before what the threads use.
  std::map<int, std::future<absl::StatusOr<SearchPage>>> ahead_;
};

/// Where a business listing stands.
struct BusinessPosition {
  /// Upstream `skip` of the next page.
  int64_t skip = 0;
  int pages_delivered = 0;
  int64_t contacts_delivered = 0;
  bool done = false;
};

/// Walks the pages of one business's contacts.
class BusinessContactsPager {
 public:
  /// @param request its `skip` is ignored (the position says where to go).
  BusinessContactsPager(std::shared_ptr<ContactsStub> stub, ConnectionOptions options,
                        BusinessContactsPageRequest request, BusinessPosition start);

  /// As SearchPager::NextPage.
  absl::StatusOr<ListContactsPage> NextPage(const CancelFn& cancelled = nullptr,
                                            absl::Time deadline = absl::InfiniteFuture());
  bool done() const { return position_.done; }
  const BusinessPosition& position() const { return position_; }

 private:
  std::shared_ptr<ContactsStub> stub_;
  ConnectionOptions options_;
  BusinessContactsPageRequest request_;
  BusinessPosition position_;
  std::string previous_first_id_;
};

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_SEARCH_PAGER_H_
