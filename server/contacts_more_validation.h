// Checks on the search, upsert, duplicate, business, followers, campaign and
// workflow requests of ContactsService before any upstream call, and the
// resume token codecs of SearchContacts and ListBusinessContacts. Every
// failure is INVALID_ARGUMENT whose message starts with the offending
// field's name (e.g. "filters[0].filter.operator: must be set").
//
// Thread-safety: pure functions.
#ifndef GHL_SERVER_CONTACTS_MORE_VALIDATION_H_
#define GHL_SERVER_CONTACTS_MORE_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "adapters/ghl/contacts/search_pager.h"
#include "ghl/contacts/v1/contacts_service.pb.h"

namespace ghl::server {

/// Location, page_size (1-500), the whole filter / sort / query language
/// (ValidateSearchQuery) and read_mask.
absl::Status ValidateRequest(const ghl::contacts::v1::SearchContactsRequest& request);
/// Location, business_id, page_size (1-100), query length, read_mask.
absl::Status ValidateRequest(const ghl::contacts::v1::ListBusinessContactsRequest& request);
/// Location; contact.location_id, if set, equal to it; and what the body
/// writer refuses (custom fields without id/key or value, DND without a
/// status).
absl::Status ValidateRequest(const ghl::contacts::v1::UpsertContactRequest& request);
/// Location and at least one of email and phone.
absl::Status ValidateRequest(const ghl::contacts::v1::FindDuplicateContactRequest& request);
/// Location, contact_id and 1-100 follower ids.
absl::Status ValidateRequest(const ghl::contacts::v1::AddFollowersRequest& request);
absl::Status ValidateRequest(const ghl::contacts::v1::RemoveFollowersRequest& request);
/// Location, contact_id, campaign_id.
absl::Status ValidateRequest(const ghl::contacts::v1::AddToCampaignRequest& request);
absl::Status ValidateRequest(const ghl::contacts::v1::RemoveFromCampaignRequest& request);
/// Location, contact_id.
absl::Status ValidateRequest(const ghl::contacts::v1::RemoveFromAllCampaignsRequest& request);
/// Location, contact_id, workflow_id, a valid event_start_time if set.
absl::Status ValidateRequest(const ghl::contacts::v1::AddToWorkflowRequest& request);
absl::Status ValidateRequest(const ghl::contacts::v1::RemoveFromWorkflowRequest& request);
/// Location, 1-1000 contact ids (each at most 50 characters, the DTO's
/// limit), and exactly one of business_id and remove_from_business=true.
absl::Status ValidateRequest(const ghl::contacts::v1::BulkUpdateBusinessRequest& request);

/// Encodes the position after a search page as an opaque, URL-safe token
/// bound to the request's location, filters, sort, query and page size.
std::string EncodeSearchToken(const ghl::contacts::v1::SearchContactsRequest& request,
                              const ghl::contacts::SearchPosition& position);

/// Decodes `request.resume_token` (empty -> the beginning).
/// @param page_limit the request's upstream page size.
/// @return INVALID_ARGUMENT ("resume_token: ...") for a malformed token, one
///         issued for another request, or an inconsistent position.
absl::StatusOr<ghl::contacts::SearchPosition> DecodeSearchToken(
    const ghl::contacts::v1::SearchContactsRequest& request, int page_limit);

/// As EncodeSearchToken, for ListBusinessContacts (bound to location,
/// business, query and page size).
std::string EncodeBusinessToken(const ghl::contacts::v1::ListBusinessContactsRequest& request,
                                int page_size, const ghl::contacts::BusinessPosition& position);

/// As DecodeSearchToken, for ListBusinessContacts.
absl::StatusOr<ghl::contacts::BusinessPosition> DecodeBusinessToken(
    const ghl::contacts::v1::ListBusinessContactsRequest& request, int page_size);

}  // namespace ghl::server

#endif  // GHL_SERVER_CONTACTS_MORE_VALIDATION_H_
