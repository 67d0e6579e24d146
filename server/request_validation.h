// Checks on gRPC requests before any upstream call, and the ListContacts
// resume token codec. Every failure is INVALID_ARGUMENT whose message starts
// with the offending field's name (e.g. "location_id: must be set").
//
// Thread-safety: pure functions.
#ifndef GHL_SERVER_REQUEST_VALIDATION_H_
#define GHL_SERVER_REQUEST_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include <google/protobuf/message.h>

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/ghl/contacts/contacts_connection.h"
#include "ghl/contacts/v1/contacts_service.pb.h"

namespace ghl::server {

/// GHL ids are short [A-Za-z0-9] strings; we also allow '-' and '_' and cap
/// the length so an id can never change the shape of an upstream URL.
absl::Status ValidateId(absl::string_view field, absl::string_view value);

/// The upstream page size for a request's page_size (0 → 100).
absl::StatusOr<int> PageSize(int32_t page_size);

/// FNV-1a (64 bit) of `bytes`: stable across processes and releases.
uint64_t Fingerprint(absl::string_view bytes);

/// A cursor message as an opaque, URL-safe resume token: the serialized
/// message and an 8-byte FNV-1a check, base64url. Tokens are not secret and
/// not signed (a caller may only resume its own request); the check makes
/// a corrupted or edited token INVALID_ARGUMENT instead of a wrong position
/// (any one changed byte is always caught).
std::string EncodeCursorToken(const google::protobuf::Message& cursor);

/// Decodes EncodeCursorToken's output into `cursor`.
/// @return false when `token` is longer than `max_length`, not base64url,
///         fails its check, or does not parse.
bool DecodeCursorToken(absl::string_view token, size_t max_length,
                       google::protobuf::Message* cursor);

/// Encodes the position after a page as an opaque, URL-safe token.
std::string EncodeResumeToken(const ghl::contacts::v1::ListContactsRequest& request,
                              const ghl::contacts::ListPosition& position);

/// Decodes `request.resume_token` (empty → the beginning).
/// @return INVALID_ARGUMENT ("resume_token: ...") for a malformed token or one
///         issued for another location or query.
absl::StatusOr<ghl::contacts::ListPosition> DecodeResumeToken(
    const ghl::contacts::v1::ListContactsRequest& request);

}  // namespace ghl::server

#endif  // GHL_SERVER_REQUEST_VALIDATION_H_
