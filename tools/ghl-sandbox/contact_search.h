// The sandbox's `POST /contacts/search` engine: validates a search body
// (GHL's SearchBodyV2: the spec leaves it undefined; ../shared/ghl-api's
// README and GHL's search guide define it) and runs it over a ContactStore.
//
// Body: {locationId, pageLimit (1..500), page (>= 1, page * pageLimit <=
// 10,000) | searchAfter (the array a previous answer gave its last contact),
// query (<= 75 characters; name, company, email or phone contains it,
// case-insensitively), filters, sort}. A filter is {field, operator, value};
// a group is {group: "AND" | "OR", filters: [...]} and nests. Top-level
// filters are ANDed.
//
// Fields: firstName, lastName, email, phone, type, source, assignedTo,
// businessId, country, city, state (text, compared case-insensitively;
// phones normalised), tags (a list: a filter matches when any tag does),
// dnd (boolean), dateAdded, dateUpdated (times: ISO 8601 strings or epoch
// milliseconds), customFields.<id or key> (strings, numbers or lists).
// Operators: eq, not_eq, contains, not_contains, exists, not_exists, in
// (value: a list), range (value: {gt, gte, lt, lte}), and gt / gte / lt /
// lte with a scalar value. eq with a list means in. A missing field matches
// not_eq, not_contains and not_exists. Ranges compare times as times,
// numbers as numbers, and text lexicographically.
//
// Sort: [{field, direction}] on dateAdded, dateUpdated, firstName,
// lastName, email (names and emails case-insensitively, a missing value as
// ""); direction asc (default) or desc. Without sort: dateAdded desc. The id
// (ascending) always breaks ties, so the order is total and each contact's
// `searchAfter` = [its sort values..., its id] is a unique position.
//
// Performance: a search's full ordered result is computed once per
// (location, query, filters, sort, store version) and cached (a few entries,
// LRU), so paging through a large result costs one pass over the location
// plus a binary search per page. Contact JSON is parsed only when a filter
// or sort key needs a member that ContactRecord does not index.
//
// Thread-safety: ParseSearchRequest is pure. ContactSearcher::Search is
// safe to call concurrently while the store is only read (callers hold the
// store's reader lock); the cache has its own mutex.
#ifndef GHL_TOOLS_GHL_SANDBOX_CONTACT_SEARCH_H_
#define GHL_TOOLS_GHL_SANDBOX_CONTACT_SEARCH_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "rapidjson/document.h"
#include "tools/ghl-sandbox/contact_store.h"

namespace ghl::sandbox {

/// GHL's page-number cap: page * pageLimit must not exceed it.
inline constexpr int64_t kSearchPageCap = 10000;
/// Largest pageLimit.
inline constexpr int kSearchMaxPageLimit = 500;
/// Longest `query`, in characters.
inline constexpr size_t kSearchMaxQueryLength = 75;

/// One sort value of a contact (a time in ms, or lowercased text).
struct SortValue {
  bool is_number = false;
  int64_t number = 0;
  std::string text;
};

/// A contact's position in a search order: its sort values, then its id.
using SortKey = std::vector<SortValue>;

/// Sortable fields.
enum class SortField { kDateAdded, kDateUpdated, kFirstName, kLastName, kEmail };

/// One sort criterion.
struct SortSpec {
  SortField field = SortField::kDateAdded;
  bool descending = false;
};

/// A parsed filter tree node (see the file comment).
struct FilterNode;

/// A validated search request.
struct SearchRequest {
  SearchRequest();
  ~SearchRequest();
  SearchRequest(SearchRequest&&) noexcept;
  SearchRequest& operator=(SearchRequest&&) noexcept;

  std::string location_id;
  int page_limit = 0;
  int page = 1;
  /// Set when the body had `searchAfter` (then `page` was absent).
  std::optional<SortKey> search_after;
  std::string query_lower;
  /// ANDed top-level filters; null matches everything.
  std::unique_ptr<FilterNode> filter;
  std::vector<SortSpec> sort;
  /// Canonical text of (location, query, filters, sort), for the cache.
  std::string cache_key;
};

/// Validates a search body. `location` resolves customFields.<key>
/// references (may be null).
/// @return the 422 messages (class-validator style, e.g. "pageLimit should
///         not be empty"); empty when `out` holds the request.
std::vector<std::string> ParseSearchRequest(const rapidjson::Value& body,
                                            const LocationInfo* location, SearchRequest* out);

/// One page of a search.
struct SearchPage {
  std::vector<const ContactRecord*> contacts;
  /// Each contact's `searchAfter` as compact JSON array text.
  std::vector<std::string> search_after;
  size_t total = 0;  ///< all matches (not capped)
};

/// Runs searches with a small result cache. See the file comment.
class ContactSearcher {
 public:
  /// @param cache_entries how many full results to keep (LRU).
  /// @param cache_rows the most matches kept over all cached results (a
  ///        result larger than this is used once and not kept).
  explicit ContactSearcher(size_t cache_entries = 4, size_t cache_rows = 2000000);

  /// One page of `request` over `store` (the caller holds a reader lock).
  SearchPage Search(const ContactStore& store, const SearchRequest& request);

  /// The default sort when a request has none: dateAdded desc.
  static std::vector<SortSpec> DefaultSort();

 private:
  // One match: its sort values (without the id, read from the record).
  struct Row {
    const ContactRecord* record;
    absl::InlinedVector<SortValue, 1> values;
  };
  struct Result {
    uint64_t version = 0;
    std::string cache_key;
    std::vector<SortSpec> sort;
    std::vector<Row> rows;
  };

  std::shared_ptr<const Result> Compute(const ContactStore& store, const SearchRequest& request);

  const size_t cache_entries_;
  const size_t cache_rows_;
  std::mutex mu_;
  std::list<std::shared_ptr<const Result>> cache_;  // guarded by mu_; front = newest
};

}  // namespace ghl::sandbox

#endif  // GHL_TOOLS_GHL_SANDBOX_CONTACT_SEARCH_H_
