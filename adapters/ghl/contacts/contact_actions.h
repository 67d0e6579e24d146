// Bodies and answers of the contact actions of apps/contacts.json other than
// CRUD and search: upsert, duplicate lookup, followers, campaigns, workflows
// and the bulk business update. No I/O: the stub sends what these build and
// hands back what they parse, and the unit tests run them against the
// spec's own examples.
//
// Parsers follow the stub's rules: malformed JSON is UNAVAILABLE (a
// truncated body may be transient), JSON of the wrong shape INTERNAL, and
// unknown members are kept in the response's `extra`, never dropped.
//
// Thread-safety: pure functions (the mappers they use are immutable).
#ifndef GHL_ADAPTERS_GHL_CONTACTS_CONTACT_ACTIONS_H_
#define GHL_ADAPTERS_GHL_CONTACTS_CONTACT_ACTIONS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ghl/contacts/v1/contacts_service.pb.h"

namespace ghl::contacts {

/// Body of POST /contacts/upsert (UpsertContactDto): CreateContactBody's
/// fields (custom fields as {id|key, field_value}) plus
/// createNewIfDuplicateAllowed when set.
/// @return INVALID_ARGUMENT as CreateContactBody.
absl::StatusOr<std::string> UpsertContactBody(
    const ghl::contacts::v1::UpsertContactRequest& request);

/// Parses UpsertContactsSuccessfulResponseDto {new, contact, traceId}.
/// @return INTERNAL when `contact` is missing or cannot be mapped.
absl::StatusOr<ghl::contacts::v1::UpsertContactResponse> ParseUpsertContactBody(
    const std::string& body);

/// The query string of GET /contacts/search/duplicate (without '?'):
/// locationId, then `number` and `email` when set, percent-encoded.
std::string DuplicateContactQuery(const ghl::contacts::v1::FindDuplicateContactRequest& request);

/// Parses the duplicate lookup's answer `{contact: {...} | null}`. The spec
/// leaves the 200 undefined: an empty body or a missing / null contact is
/// "no match".
absl::StatusOr<ghl::contacts::v1::FindDuplicateContactResponse> ParseDuplicateContactBody(
    const std::string& body);

/// Body of both followers operations (FollowersDTO): {"followers": [...]}.
std::string FollowersBody(const google::protobuf::RepeatedPtrField<std::string>& followers);

/// Parses CreateAddFollowersSuccessfulResponseDto.
absl::StatusOr<ghl::contacts::v1::AddFollowersResponse> ParseAddFollowersBody(
    const std::string& body);

/// Parses DeleteFollowersSuccessfulResponseDto.
absl::StatusOr<ghl::contacts::v1::RemoveFollowersResponse> ParseRemoveFollowersBody(
    const std::string& body);

/// Body of both workflow operations (CreateWorkflowDto): {} or
/// {"eventStartTime": "2021-06-23T02:30:00.000Z"}.
std::string WorkflowBody(const google::protobuf::Timestamp* event_start_time);

/// Checks a `{succeded: bool}` answer (campaigns, workflows): `succeded:
/// false` is INTERNAL naming `operation`; anything else, even an empty or
/// unparseable body, is success (the 2xx says GHL did it).
absl::Status CheckSucceded(const std::string& body, absl::string_view operation);

/// Body of POST /contacts/bulk/business (ContactsBusinessUpdate):
/// {locationId, ids, businessId} with businessId null to remove.
std::string BulkUpdateBusinessBody(const ghl::contacts::v1::BulkUpdateBusinessRequest& request);

/// Parses ContactsBulkUpateResponse {success, ids}.
/// @return INTERNAL for `success: false`.
absl::StatusOr<ghl::contacts::v1::BulkUpdateBusinessResponse> ParseBulkUpdateBusinessBody(
    const std::string& body);

}  // namespace ghl::contacts

#endif  // GHL_ADAPTERS_GHL_CONTACTS_CONTACT_ACTIONS_H_
