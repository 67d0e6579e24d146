#include "adapters/ghl/contacts/search_pager.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace ghl::contacts {
namespace {

ConnectionOptions WithDefaults(ConnectionOptions o) {
  if (o.clock == nullptr) o.clock = &DefaultClock();
  if (!o.jitter) o.jitter = DefaultJitterSource();
  return o;
}

// A total of exactly 10,000 may be a search engine's capped count ("10,000
// or more"), so it never ends a search by itself; any other total is exact.
bool TotalReached(int64_t total, int64_t delivered) {
  return total >= 0 && total != kSearchPageNumberCap && delivered >= total;
}

}  // namespace

SearchPager::SearchPager(std::shared_ptr<ContactsStub> stub, ConnectionOptions options,
                         ghl::contacts::v1::SearchContactsRequest query, int page_limit,
                         SearchPosition start)
    : stub_(std::move(stub)),
      options_(WithDefaults(std::move(options))),
      position_(std::move(start)) {
  request_.request = std::move(query);
  request_.request.clear_resume_token();
  request_.request.clear_read_mask();
  request_.page_limit = page_limit;
  if (!position_.search_after.empty()) seen_search_after_.insert(position_.search_after);
}

absl::StatusOr<SearchPage> SearchPager::NextPage(const CancelFn& cancelled) {
  if (position_.done) return absl::FailedPreconditionError("the search is already complete");
  request_.page = position_.next_page;
  request_.search_after = position_.next_page > 0 ? std::string() : position_.search_after;
  CallOptions call{options_.call_timeout, /*idempotent=*/true};  // a POST that only reads
  auto page = internal::RunRetry<SearchPage>(
      options_, Idempotency::kIdempotent, [&] { return stub_->SearchContacts(call, request_); },
      cancelled);
  if (!page.ok()) return page.status();

  const auto count = static_cast<int64_t>(page->contacts.size());
  const int64_t delivered = position_.contacts_delivered + count;
  const bool done =
      count == 0 || count < request_.page_limit || TotalReached(page->total, delivered);
  SearchPosition next = position_;
  if (!done) {
    const int following = position_.next_page > 0 ? position_.next_page + 1 : 0;
    if (following > 0 && int64_t{following} * request_.page_limit <= kSearchPageNumberCap) {
      next.next_page = following;
    } else if (page->search_after.empty()) {
      return absl::InternalError(absl::StrCat(
          "GHL search sent no searchAfter with a full page after ", position_.pages_delivered + 1,
          " pages; cannot continue past the ", kSearchPageNumberCap, "-result page cap"));
    } else if (!seen_search_after_.insert(page->search_after).second) {
      // Following it again would re-read pages forever (or duplicate contacts).
      return absl::InternalError(
          absl::StrCat("GHL search repeated a searchAfter (", page->search_after, ") after ",
                       position_.pages_delivered + 1, " pages; stopping instead of looping"));
    } else {
      next.next_page = 0;
      next.search_after = page->search_after;
    }
  }
  next.pages_delivered += 1;
  next.contacts_delivered = delivered;
  next.done = done;
  position_ = std::move(next);
  return page;
}

BusinessContactsPager::BusinessContactsPager(std::shared_ptr<ContactsStub> stub,
                                             ConnectionOptions options,
                                             BusinessContactsPageRequest request,
                                             BusinessPosition start)
    : stub_(std::move(stub)),
      options_(WithDefaults(std::move(options))),
      request_(std::move(request)),
      position_(start) {}

absl::StatusOr<ListContactsPage> BusinessContactsPager::NextPage(const CancelFn& cancelled) {
  if (position_.done) return absl::FailedPreconditionError("the listing is already complete");
  request_.skip = position_.skip;
  CallOptions call{options_.call_timeout};
  auto page = internal::RunRetry<ListContactsPage>(
      options_, Idempotency::kIdempotent,
      [&] { return stub_->ListBusinessContacts(call, request_); }, cancelled);
  if (!page.ok()) return page.status();
  const auto count = static_cast<int64_t>(page->contacts.size());
  if (count > 0 && !previous_first_id_.empty() &&
      page->contacts.front().id() == previous_first_id_) {
    return absl::InternalError(absl::StrCat("GHL answered skip=", position_.skip,
                                            " with the previous page again (it ignored skip); "
                                            "stopping instead of looping"));
  }
  if (count > 0) previous_first_id_ = page->contacts.front().id();
  position_.skip += count;
  position_.pages_delivered += 1;
  position_.contacts_delivered += count;
  position_.done =
      count == 0 || count < request_.limit || (page->total >= 0 && position_.skip >= page->total);
  return page;
}

}  // namespace ghl::contacts
