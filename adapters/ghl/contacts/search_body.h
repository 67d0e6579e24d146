// The body and the answer of GHL's contact search (POST /contacts/search).
//
// The spec leaves both undefined (SearchBodyV2DTO has no properties, the 200
// has no schema). GHL's search guide defines the body as
//   {locationId, pageLimit, page | searchAfter, query?, filters?, sort?}
// with filters `{field, operator, value}` and groups `{group, filters}`, and
// answers `{contacts: [...], total}` where every contact carries its
// `searchAfter` (the sort values to continue after it). SearchBody writes the
// typed request of search.proto in that shape, after checking everything
// GHL would reject (so a bad request fails before any upstream call, with
// INVALID_ARGUMENT naming the field); ParseSearchBody reads the answer.
//
// Thread-safety: pure functions.
#ifndef GHL_ADAPTERS_GHL_CONTACTS_SEARCH_BODY_H_
#define GHL_ADAPTERS_GHL_CONTACTS_SEARCH_BODY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ghl/contacts/v1/contact.pb.h"
#include "ghl/contacts/v1/contacts_service.pb.h"

namespace ghl::contacts {

/// GHL pages by number only up to this many results (page * pageLimit).
inline constexpr int64_t kSearchPageNumberCap = 10000;
/// Largest `pageLimit` GHL accepts.
inline constexpr int kMaxSearchPageLimit = 500;
/// `pageLimit` when the request says 0.
inline constexpr int kDefaultSearchPageLimit = 100;
/// GHL's limit on `query` and on a filter's text value, in characters.
inline constexpr int kMaxSearchTextLength = 75;
/// Deepest nesting of filter groups accepted (a top-level group is 1).
inline constexpr int kMaxSearchGroupDepth = 8;

/// One upstream search request: the query part of `request` (location,
/// filters, sort, text; its page_size, resume_token and read_mask are
/// ignored) at one position. Exactly one of `page` (> 0) and
/// `search_after` (non-empty JSON array text) is set.
struct SearchPageRequest {
  ghl::contacts::v1::SearchContactsRequest request;
  int page_limit = kDefaultSearchPageLimit;
  int page = 1;
  std::string search_after;
};

/// One parsed answer.
struct SearchPage {
  std::vector<ghl::contacts::v1::Contact> contacts;
  /// `total` (or `count`), -1 when absent.
  int64_t total = -1;
  /// The `searchAfter` of the last contact (else of the response) as compact
  /// JSON text; empty when GHL sent none.
  std::string search_after;
};

/// The `pageLimit` for a request's page_size (0 -> 100).
/// @return INVALID_ARGUMENT "page_size: ..." outside 0..500.
absl::StatusOr<int> SearchPageLimit(int32_t page_size);

/// Checks what GHL would reject in the query part of `request`: the
/// location, `query` length, every filter and group (field set, operator
/// set, value matching the operator, text values of 1-75 characters, finite
/// numbers, non-empty groups with AND/OR, bounded nesting) and every sort
/// key (field and direction set).
/// @return INVALID_ARGUMENT whose message starts with the field path, e.g.
///         "filters[1].group.filters[0].filter.operator: must be set".
absl::Status ValidateSearchQuery(const ghl::contacts::v1::SearchContactsRequest& request);

/// The JSON body of one search request (ValidateSearchQuery first).
/// @return INVALID_ARGUMENT as ValidateSearchQuery, or for a position that
///         is not exactly one of page / search_after, a page past the
///         10,000-result cap, or search_after that is not a JSON array.
absl::StatusOr<std::string> SearchBody(const SearchPageRequest& request);

/// Parses a search answer. An empty body (what Prism's mock sends for the
/// undefined 200) is an empty result. Each contact's `searchAfter` is taken
/// out of its `extra`: it is a search position, not contact data.
/// @return UNAVAILABLE for malformed JSON, INTERNAL for JSON of the wrong
///         shape or a contact that cannot be mapped.
absl::StatusOr<SearchPage> ParseSearchBody(const std::string& body);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_SEARCH_BODY_H_
