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
// Thread-safety: a pager belongs to one stream and must not be used
// concurrently.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_SEARCH_PAGER_H_
#define GHL_ADAPTERS_GHL_CONTACTS_SEARCH_PAGER_H_

#include <cstdint>
#include <functional>
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

  /// The next page, or an error (the pager stays where it was, so the same
  /// page can be asked for again). Must not be called once done().
  absl::StatusOr<SearchPage> NextPage(const CancelFn& cancelled = nullptr);
  /// True after the last page was returned.
  bool done() const { return position_.done; }
  /// The position after the last page returned.
  const SearchPosition& position() const { return position_; }

 private:
  std::shared_ptr<ContactsStub> stub_;
  ConnectionOptions options_;
  SearchPageRequest request_;
  SearchPosition position_;
  std::set<std::string> seen_search_after_;
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
  absl::StatusOr<ListContactsPage> NextPage(const CancelFn& cancelled = nullptr);
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
