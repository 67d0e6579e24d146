#include "adapters/ghl/contacts/search_pager.h"

#include "adapters/ghl/http/request_context.h"

#include <algorithm>
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

absl::StatusOr<SearchPage> SearchPager::FetchNumbered(SearchPageRequest request, int page,
                                                      CancelFn cancelled, absl::Time deadline) const {
  request.page = page;
  request.search_after.clear();
  CallOptions call{options_.call_timeout};
  call.idempotent = true;  // a POST that only reads
  call.cancelled = cancelled;
  call.deadline = deadline;
  return internal::RunRetry<SearchPage>(
      options_, Idempotency::kIdempotent, [&] { return stub_->SearchContacts(call, request); },
      cancelled, deadline);
}

SearchPager::~SearchPager() { DropAhead(); }

void SearchPager::DropAhead() {
  if (ahead_.empty()) return;
  abandon_->store(true);
  ahead_.clear();  // each future waits for its thread
  abandon_ = std::make_shared<std::atomic<bool>>(false);
}

void SearchPager::LaunchAhead(int page, const CancelFn& caller_cancelled, absl::Time deadline) {
  if (options_.search_lookahead <= 0 || last_numbered_page_ == 0) return;
  const CancelFn cancelled = [abandon = abandon_, caller_cancelled] {
    return abandon->load() || (caller_cancelled && caller_cancelled());
  };
  for (int p = page + 1; p <= page + options_.search_lookahead && p <= last_numbered_page_; ++p) {
    if (ahead_.count(p)) continue;
    // The request is copied here, on the pager's thread: NextPage edits request_.
    // The page fetched ahead belongs to the same gRPC call (request id, count).
    ahead_.emplace(p, std::async(std::launch::async, [this, base = request_, p, cancelled, deadline,
                                                      call = http::CurrentRequestContext()] {
                     http::ScopedRequestContext scope(call);
                     return FetchNumbered(base, p, cancelled, deadline);
                   }));
  }
}

absl::StatusOr<SearchPage> SearchPager::NextPage(const CancelFn& cancelled, absl::Time deadline) {
  if (position_.done) return absl::FailedPreconditionError("the search is already complete");
  request_.page = position_.next_page;
  request_.search_after = position_.next_page > 0 ? std::string() : position_.search_after;
  absl::StatusOr<SearchPage> page = absl::UnknownError("unset");
  if (position_.next_page > 0) {
    LaunchAhead(position_.next_page, cancelled, deadline);
    auto it = ahead_.find(position_.next_page);
    if (it != ahead_.end()) {
      page = it->second.get();
      ahead_.erase(it);
    } else {
      page = FetchNumbered(request_, position_.next_page, cancelled, deadline);
    }
  } else {
    CallOptions call{options_.call_timeout};
    call.idempotent = true;  // a POST that only reads
    call.cancelled = cancelled;
    call.deadline = deadline;
    page = internal::RunRetry<SearchPage>(
        options_, Idempotency::kIdempotent, [&] { return stub_->SearchContacts(call, request_); },
        cancelled, deadline);
  }
  if (!page.ok()) return page.status();
  if (last_numbered_page_ == 0 && options_.search_lookahead > 0) {
    // GHL's total bounds what may be fetched ahead (a capped 10,000 or an
    // unknown total: up to the page-number cap).
    const int64_t by_cap = kSearchPageNumberCap / request_.page_limit;
    const int64_t by_total = page->total >= 0 && page->total != kSearchPageNumberCap
                                 ? (page->total + request_.page_limit - 1) / request_.page_limit
                                 : by_cap;
    last_numbered_page_ = static_cast<int>(std::max<int64_t>(1, std::min(by_cap, by_total)));
  }

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
  // Pages fetched ahead that the walk will not ask for (it ended, or left
  // page numbers): wait for them here, never after the pager is gone.
  if (position_.done || position_.next_page == 0) DropAhead();
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

absl::StatusOr<ListContactsPage> BusinessContactsPager::NextPage(const CancelFn& cancelled,
                                                                absl::Time deadline) {
  if (position_.done) return absl::FailedPreconditionError("the listing is already complete");
  request_.skip = position_.skip;
  CallOptions call{options_.call_timeout};
  call.cancelled = cancelled;
  call.deadline = deadline;
  auto page = internal::RunRetry<ListContactsPage>(
      options_, Idempotency::kIdempotent,
      [&] { return stub_->ListBusinessContacts(call, request_); }, cancelled, deadline);
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
